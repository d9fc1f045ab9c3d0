"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { LiveData } from "~/components/live-data";
import { StatusBadge } from "~/components/status-badge";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { nextStepOf, PHASES, phaseOf } from "./rollout-phase";

/** Where are we: the plan's phases as a path, "you are here", and the next step. */
export function PhasePathCard() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.rollout.get.queryOptions(), ...liveQuery });
  return (
    <section className="card" aria-labelledby="phase-title">
      <h2 id="phase-title">Where we are</h2>
      <LiveData query={query} what="the rollout">
        {(config) => {
          const current = phaseOf(config);
          return (
            <>
              <ol className="phase-path">
                {PHASES.map((phase, index) => {
                  const number = index + 1;
                  const done = number < current || (number === 4 && current === 4);
                  return (
                    <li key={phase.title} aria-current={number === current ? "step" : undefined}>
                      <div className="phase-number">
                        Phase {number}
                        {number === current ? " · you are here" : done ? " · done" : ""}
                      </div>
                      <strong>{phase.title}</strong>
                      <div className="muted">{phase.detail}</div>
                    </li>
                  );
                })}
              </ol>
              <p>
                {config.paused && <StatusBadge tone="warn">Paused</StatusBadge>} <strong>Next:</strong>{" "}
                {nextStepOf(config)} <Link href="/rollout">Open the rollout</Link>
              </p>
            </>
          );
        }}
      </LiveData>
    </section>
  );
}
