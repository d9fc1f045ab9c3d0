"use client";
import { useQuery } from "@tanstack/react-query";
import { useDeferredValue } from "react";
import { LiveData } from "~/components/live-data";
import { formatCount } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import type { RolloutDraft } from "./rollout-values";

const RECENT_ORDERS = 1_000;

/** How many of the most recent orders the proposed settings would send to the other system. */
export function RoutePreview({ draft }: { draft: RolloutDraft }) {
  const trpc = useTRPC();
  // Dragging the slider asks for the value it settles on, not for every step on the way.
  const proposed = useDeferredValue(draft);
  const query = useQuery({
    ...trpc.rollout.preview.queryOptions({
      useNewQueueSystem: proposed.useNewQueueSystem,
      newQueueRolloutPercent: proposed.percent,
      lastN: RECENT_ORDERS,
    }),
    ...liveQuery,
  });
  return (
    <div aria-live="polite" data-testid="route-preview">
      <LiveData query={query} what="the preview">
        {(preview) =>
          preview.total === 0 ? (
            <p className="preview">
              No recent orders yet, so nothing to preview: the change applies to the next ones.
            </p>
          ) : (
            <p className="preview">
              Of the last {formatCount(preview.total)} orders,{" "}
              <strong>{formatCount(preview.toNew + preview.toLegacy)} would change route</strong>:{" "}
              {formatCount(preview.toNew)} to the new system, {formatCount(preview.toLegacy)} to legacy;{" "}
              {formatCount(preview.unchanged)} unchanged.
            </p>
          )
        }
      </LiveData>
    </div>
  );
}
