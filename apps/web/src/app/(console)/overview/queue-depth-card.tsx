"use client";
import { useQuery } from "@tanstack/react-query";
import { LiveData } from "~/components/live-data";
import { formatCount } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { type DepthRow, QueueDepthChart } from "./queue-depth-chart";

const STATES = ["waiting", "prioritized", "delayed", "active"] as const;

/** Jobs waiting and running in each system's queue, as a chart and the same numbers as a table. */
export function QueueDepthCard() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.system.queueDepths.queryOptions(), ...liveQuery });
  return (
    <section className="card" aria-labelledby="depth-title">
      <h2 id="depth-title">Queue depth now</h2>
      <LiveData query={query} what="the queue depths">
        {(depths) => {
          const rows: DepthRow[] = STATES.map((state) => ({
            state,
            legacy: depths.jobs.LEGACY[state] ?? 0,
            new: depths.jobs.NEW[state] ?? 0,
          }));
          return (
            <>
              <QueueDepthChart rows={rows} />
              <table className="table">
                <caption className="visually-hidden">Jobs per state in each queue</caption>
                <thead>
                  <tr>
                    <th scope="col">Jobs</th>
                    {STATES.map((state) => (
                      <th key={state} scope="col" className="num">
                        {state}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {(["legacy", "new"] as const).map((system) => (
                    <tr key={system}>
                      <th scope="row" className={`${system}-colour`}>
                        {system === "legacy" ? "Legacy" : "New"}
                      </th>
                      {rows.map((row) => (
                        <td key={row.state} className="num">
                          {formatCount(row[system])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </LiveData>
    </section>
  );
}
