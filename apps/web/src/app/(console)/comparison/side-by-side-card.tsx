"use client";
import { useQuery } from "@tanstack/react-query";
import { LiveData } from "~/components/live-data";
import { ThroughputNote } from "~/components/throughput-note";
import { comparisonStatsQuery } from "~/lib/comparison-query";
import { formatCount, formatMs, formatPerMinute, formatRatio } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { type TimeWindowKey, timeWindow } from "~/lib/time-window";
import { useTRPC, useTRPCClient } from "~/trpc/react";

/** Ready to start: what the guard's depth samples call waiting. Delayed jobs are shown apart. */
const READY_STATES = ["waiting", "prioritized"] as const;

/** One row per measure, legacy and new in two columns: the numbers the charts below draw over time. */
export function SideBySideCard({ window }: { window: TimeWindowKey }) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const stats = useQuery({ ...comparisonStatsQuery(client, window), ...liveQuery });
  const depths = useQuery({ ...trpc.system.queueDepths.queryOptions(), ...liveQuery });
  return (
    <section className="card" aria-labelledby="side-by-side-title">
      <h2 id="side-by-side-title">Side by side, last {timeWindow(window).label}</h2>
      <LiveData query={stats} what="the comparison">
        {(s) => {
          const legacy = s.systems.find((x) => x.system === "LEGACY");
          const newSystem = s.systems.find((x) => x.system === "NEW");
          const waiting = (system: "LEGACY" | "NEW") => {
            const jobs = depths.data?.jobs[system];
            return jobs ? READY_STATES.reduce((sum, state) => sum + (jobs[state] ?? 0), 0) : null;
          };
          const delayed = (system: "LEGACY" | "NEW") => depths.data?.jobs[system].delayed ?? null;
          const running = (system: "LEGACY" | "NEW") => depths.data?.jobs[system].active ?? null;
          const rows: Array<[string, string, string]> = [
            ["Finished orders", formatCount(legacy?.finished), formatCount(newSystem?.finished)],
            ["Failed orders", formatCount(legacy?.failed), formatCount(newSystem?.failed)],
            ["Error rate", formatRatio(legacy?.errorRate), formatRatio(newSystem?.errorRate)],
            ["Latency p50", formatMs(legacy?.p50Ms), formatMs(newSystem?.p50Ms)],
            ["Latency p99", formatMs(legacy?.p99Ms), formatMs(newSystem?.p99Ms)],
            [
              "Throughput (finished orders/min)",
              formatPerMinute(legacy?.throughputPerMinute),
              formatPerMinute(newSystem?.throughputPerMinute),
            ],
            [
              "Cancelled (not in the throughput)",
              formatCount(legacy?.cancelled),
              formatCount(newSystem?.cancelled),
            ],
            [
              "Jobs waiting now (ready to start)",
              formatCount(waiting("LEGACY")),
              formatCount(waiting("NEW")),
            ],
            [
              "Jobs delayed now (retries due later)",
              formatCount(delayed("LEGACY")),
              formatCount(delayed("NEW")),
            ],
            ["Running now", formatCount(running("LEGACY")), formatCount(running("NEW"))],
          ];
          return (
            <>
              <table className="table" data-testid="side-by-side">
                <caption className="visually-hidden">Legacy and new, measure by measure</caption>
                <thead>
                  <tr>
                    <th scope="col">Measure</th>
                    <th scope="col" className="num legacy-colour">
                      Legacy
                    </th>
                    <th scope="col" className="num new-colour">
                      New
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(([measure, old, next]) => (
                    <tr key={measure}>
                      <th scope="row">{measure}</th>
                      <td className="num">{old}</td>
                      <td className="num">{next}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ThroughputNote from={s.throughputFrom} />
            </>
          );
        }}
      </LiveData>
    </section>
  );
}
