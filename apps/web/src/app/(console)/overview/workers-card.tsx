"use client";
import { useQuery } from "@tanstack/react-query";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { formatCount } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";

/** Workers alive and their slots: few, large numbers. */
export function WorkersCard() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.system.workers.queryOptions(), ...liveQuery });
  return (
    <section className="card" aria-labelledby="workers-title">
      <h2 id="workers-title">Workers</h2>
      <LiveData query={query} what="the workers">
        {(workers) => {
          const alive = workers.filter((w) => w.alive);
          const slots = alive.reduce((sum, w) => sum + w.slotsTotal, 0);
          const busy = alive.reduce((sum, w) => sum + w.slotsInUse, 0);
          const pressured = alive.filter((w) => w.memoryPressure !== "none").length;
          const lastSeen = workers[0]?.lastSeenAt;
          return (
            <>
              <dl className="big-numbers">
                <div>
                  <dt>Alive</dt>
                  <dd data-testid="workers-alive">{formatCount(alive.length)}</dd>
                </div>
                <div>
                  <dt>Slots in use</dt>
                  <dd>
                    {formatCount(busy)} / {formatCount(slots)}
                  </dd>
                </div>
              </dl>
              <p>
                {alive.length === 0 ? (
                  <StatusBadge tone="bad">No worker alive: orders wait until one starts</StatusBadge>
                ) : pressured > 0 ? (
                  <StatusBadge tone="warn">{formatCount(pressured)} under memory pressure</StatusBadge>
                ) : (
                  <StatusBadge tone="ok">Healthy</StatusBadge>
                )}{" "}
                {lastSeen && (
                  <span className="muted">
                    Last heartbeat <RelativeTime at={lastSeen} />
                  </span>
                )}
              </p>
            </>
          );
        }}
      </LiveData>
    </section>
  );
}
