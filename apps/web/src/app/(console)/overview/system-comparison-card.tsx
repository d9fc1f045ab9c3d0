"use client";
import { useQuery } from "@tanstack/react-query";
import { LiveData } from "~/components/live-data";
import { StatusBadge } from "~/components/status-badge";
import { ThroughputNote } from "~/components/throughput-note";
import { comparisonStatsQuery } from "~/lib/comparison-query";
import { formatCount, formatMs, formatPerMinute, formatRatio } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { type TimeWindowKey, timeWindow } from "~/lib/time-window";
import { useTRPCClient } from "~/trpc/react";

const SYSTEM_NAME = { LEGACY: "Legacy", NEW: "New" } as const;

/** Is it healthy: legacy and new side by side for the page's window, and shadow agreement. */
export function SystemComparisonCard({ window }: { window: TimeWindowKey }) {
  const client = useTRPCClient();
  const query = useQuery({ ...comparisonStatsQuery(client, window), ...liveQuery });
  return (
    <section className="card" aria-labelledby="comparison-title">
      <h2 id="comparison-title">Legacy and new, last {timeWindow(window).label}</h2>
      <LiveData query={query} what="the comparison">
        {(stats) => (
          <>
            <table className="table">
              <caption className="visually-hidden">Each system's orders in the window</caption>
              <thead>
                <tr>
                  <th scope="col">System</th>
                  <th scope="col" className="num">
                    Finished
                  </th>
                  <th scope="col" className="num">
                    Failed
                  </th>
                  <th scope="col" className="num">
                    Error rate
                  </th>
                  <th scope="col" className="num">
                    p50 / p99
                  </th>
                  <th scope="col" className="num">
                    Throughput
                  </th>
                </tr>
              </thead>
              <tbody>
                {stats.systems.map((s) => (
                  <tr key={s.system}>
                    <th scope="row" className={s.system === "NEW" ? "new-colour" : "legacy-colour"}>
                      {SYSTEM_NAME[s.system]}
                    </th>
                    <td className="num">{formatCount(s.finished)}</td>
                    <td className="num">{formatCount(s.failed)}</td>
                    <td className="num">{formatRatio(s.errorRate)}</td>
                    <td className="num">
                      {formatMs(s.p50Ms)} / {formatMs(s.p99Ms)}
                    </td>
                    <td className="num">{formatPerMinute(s.throughputPerMinute)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              Throughput: finished orders (completed or failed) per minute; cancellations are not counted.
            </p>
            <ThroughputNote from={stats.throughputFrom} />
            <p>
              Shadow consistency:{" "}
              {stats.shadow.compared === 0 ? (
                <StatusBadge tone="unknown">No shadow results yet</StatusBadge>
              ) : (
                <>
                  <strong>{formatRatio(stats.shadow.rate)}</strong> ({formatCount(stats.shadow.matched)} of{" "}
                  {formatCount(stats.shadow.compared)} matched)
                </>
              )}
            </p>
          </>
        )}
      </LiveData>
    </section>
  );
}
