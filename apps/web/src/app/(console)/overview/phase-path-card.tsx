"use client";
import type { RouterOutputs } from "@qmc/api";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge, type StatusTone } from "~/components/status-badge";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { nextStepOf, PHASES } from "./rollout-phase";

type PhaseReport = RouterOutputs["health"]["phase"];
type Config = RouterOutputs["rollout"]["get"];
type Item = PhaseReport["phases"][number]["items"][number];

const ITEM_TONE: Record<Item["status"], StatusTone> = { pass: "ok", fail: "bad", pending: "unknown" };

function itemWord(item: Item): string {
  if (item.status === "pass") return "verified";
  if (item.status === "fail") return "failed";
  return item.live ? "not enough data yet" : "not measurable from live data";
}

/** One phase's "Verification" items from the plan, each with its status in words and its evidence. */
function VerificationList({ items }: { items: Item[] }) {
  return (
    <ul className="plain-list verification-list">
      {items.map((item) => (
        <li key={item.id} data-testid={`verification-${item.id}`}>
          <StatusBadge tone={ITEM_TONE[item.status]}>{itemWord(item)}</StatusBadge>{" "}
          <strong>{item.title}</strong>
          {item.evidence.map((sentence) => (
            <div key={sentence} className="muted">
              {sentence}
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}

/**
 * Where are we: the plan's phases as a path with "you are here" (decided from the config history
 * by `health.phase`), the current phase's verification items judged from live data with their
 * evidence, earlier phases' items folded, and the next step.
 */
export function PhasePathCard() {
  const trpc = useTRPC();
  const report = useQuery({ ...trpc.health.phase.queryOptions(), ...liveQuery });
  const config = useQuery({ ...trpc.rollout.get.queryOptions(), ...liveQuery });
  return (
    <section className="card" aria-labelledby="phase-title">
      <h2 id="phase-title">Where we are</h2>
      <LiveData query={report} what="the migration phase">
        {(r) => (
          <>
            <ol className="phase-path" data-testid="phase-path">
              {r.phases.map((section, index) => (
                <li key={section.phase} aria-current={section.state === "current" ? "step" : undefined}>
                  <div className="phase-number">
                    Phase {section.phase}
                    {section.state === "current"
                      ? " · you are here"
                      : section.state === "done"
                        ? " · done"
                        : section.reached
                          ? " · reached before"
                          : ""}
                  </div>
                  <strong>{section.name}</strong>
                  <div className="muted">{PHASES[index]?.detail}</div>
                </li>
              ))}
            </ol>
            <p data-testid="phase-summary">
              {r.summary} Since <RelativeTime at={r.since} />.
            </p>
            {r.phases
              .filter((section) => section.state !== "upcoming" || section.reached)
              .map((section) =>
                section.state === "current" ? (
                  <div key={section.phase} data-testid={`phase-${section.phase}-verification`}>
                    <h3>Phase {section.phase} verification</h3>
                    <VerificationList items={section.items} />
                  </div>
                ) : (
                  <details key={section.phase} data-testid={`phase-${section.phase}-verification`}>
                    <summary>
                      Phase {section.phase} verification (
                      {section.state === "done" ? "earlier phase" : "reached before; the migration went back"}
                      )
                    </summary>
                    <VerificationList items={section.items} />
                  </details>
                ),
              )}
            {config.data && <NextStepLine config={config.data} report={r} />}
          </>
        )}
      </LiveData>
    </section>
  );
}

/** The next step in words, and a link to the page where it is taken. */
function NextStepLine({ config, report }: { config: Config; report: PhaseReport }) {
  const step = nextStepOf(config, report);
  return (
    <p data-testid="next-step">
      {config.paused && <StatusBadge tone="warn">Paused</StatusBadge>} <strong>Next:</strong> {step.text}{" "}
      <Link href={step.href}>{step.linkText}</Link>
    </p>
  );
}
