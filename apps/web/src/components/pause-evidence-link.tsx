"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatUtc } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { decisionHref } from "./charts/chart-data";

/** The open pause decision behind a paused rollout, linked to its stored inputs on the Health page. */
export function PauseEvidenceLink() {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.guard.alerts.queryOptions({ status: ["OPEN"], limit: 50 }),
    ...liveQuery,
  });
  const pause = query.data?.items.find((d) => d.action === "PAUSE_ROLLOUT");
  if (!pause) return null;
  return (
    <p data-testid="pause-evidence">
      Decided by the health guard at {formatUtc(new Date(pause.at))}:{" "}
      <span className="user-text">{pause.explanation}</span>{" "}
      <Link href={decisionHref(pause.id)}>See the evidence on Health</Link>
    </p>
  );
}
