"use client";
import { useQuery } from "@tanstack/react-query";
import { EmptyState } from "~/components/empty-state";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { formatCount, formatRatio } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";

/** Every worker that reported: alive or not, its slots, concurrency and memory. */
export function WorkersTable() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.system.workers.queryOptions(), ...liveQuery });
  return (
    <section className="card" aria-labelledby="workers-title">
      <h2 id="workers-title">Workers</h2>
      <LiveData query={query} what="the workers">
        {(workers) =>
          workers.length === 0 ? (
            <EmptyState title="No worker has reported yet.">
              Start one with npm start or the worker app.
            </EmptyState>
          ) : (
            <table className="table" data-testid="workers">
              <caption className="visually-hidden">Workers with slots, concurrency and memory</caption>
              <thead>
                <tr>
                  <th scope="col">Worker</th>
                  <th scope="col">Status</th>
                  <th scope="col">Systems</th>
                  <th scope="col" className="num">
                    Slots in use
                  </th>
                  <th scope="col" className="num">
                    Concurrency
                  </th>
                  <th scope="col" className="num">
                    Memory
                  </th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {workers.map((w) => (
                  <tr key={w.workerId}>
                    <th scope="row" className="mono">
                      {w.workerId}
                      <br />
                      <span className="muted">
                        {w.host} · pid {w.pid}
                      </span>
                    </th>
                    <td>
                      {w.alive ? (
                        <StatusBadge tone="ok">Alive</StatusBadge>
                      ) : (
                        <StatusBadge tone="unknown">{w.stoppedAt ? "Stopped" : "Silent"}</StatusBadge>
                      )}
                    </td>
                    <td>{w.systems.join(", ")}</td>
                    <td className="num">
                      {formatCount(w.slotsInUse)} / {formatCount(w.slotsTotal)}
                    </td>
                    <td className="num">
                      {formatCount(w.concurrencyLimit)}
                      {w.concurrencyLimit < w.slotsTotal ? " (reduced)" : ""}
                    </td>
                    <td className="num">
                      {formatRatio(w.memoryUsedRatio)}
                      {w.memoryPressure !== "none" && (
                        <>
                          {" "}
                          <StatusBadge tone="warn">{w.memoryPressure}</StatusBadge>
                        </>
                      )}
                    </td>
                    <td>
                      <RelativeTime at={new Date(w.lastSeenAt)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LiveData>
    </section>
  );
}
