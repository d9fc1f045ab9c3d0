"use client";
import { useQuery } from "@tanstack/react-query";
import { EmptyState } from "~/components/empty-state";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { comparisonStatsQuery } from "~/lib/comparison-query";
import { formatCount, formatRatio } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { type TimeWindowKey, timeWindow } from "~/lib/time-window";
import { useTRPC, useTRPCClient } from "~/trpc/react";

export const MISMATCH_LIMIT = 50;

interface Difference {
  field: string;
  legacy: unknown;
  shadow: unknown;
}

function differencesOf(value: unknown): Difference[] {
  return Array.isArray(value)
    ? value.filter((d): d is Difference => typeof d === "object" && d !== null && "field" in d)
    : [];
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Shadow runs compared with legacy: the agreement rate, and each disagreement field by field. */
export function MismatchCard({ window }: { window: TimeWindowKey }) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const stats = useQuery({ ...comparisonStatsQuery(client, window), ...liveQuery });
  const mismatches = useQuery({
    ...trpc.comparison.mismatches.queryOptions({ limit: MISMATCH_LIMIT }),
    ...liveQuery,
  });
  return (
    <section className="card" aria-labelledby="shadow-title">
      <h2 id="shadow-title">Shadow consistency</h2>
      <LiveData query={stats} what="the shadow consistency">
        {(s) => (
          <p data-testid="shadow-consistency">
            {s.shadow.compared === 0 ? (
              <StatusBadge tone="unknown">
                No shadow results in the last {timeWindow(window).label}
              </StatusBadge>
            ) : (
              <>
                <StatusBadge tone={s.shadow.matched === s.shadow.compared ? "ok" : "warn"}>
                  {formatRatio(s.shadow.rate)} consistent
                </StatusBadge>{" "}
                {formatCount(s.shadow.matched)} of {formatCount(s.shadow.compared)} shadow runs matched legacy
                in the last {timeWindow(window).label}.
              </>
            )}
          </p>
        )}
      </LiveData>
      <h3>Mismatches (newest {MISMATCH_LIMIT})</h3>
      <LiveData query={mismatches} what="the mismatches">
        {(rows) =>
          rows.length === 0 ? (
            <EmptyState title="No shadow run has disagreed with legacy.">
              Shadow mode runs every legacy order in the new system too and compares state, exit code, output
              and duration.
            </EmptyState>
          ) : (
            <table className="table" data-testid="mismatches">
              <caption className="visually-hidden">Shadow runs whose outcome differs from legacy</caption>
              <thead>
                <tr>
                  <th scope="col">Compared</th>
                  <th scope="col">Legacy order</th>
                  <th scope="col">Shadow order</th>
                  <th scope="col">Differences (legacy → shadow)</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <RelativeTime at={new Date(m.comparedAt)} />
                    </td>
                    <td className="mono">{m.legacyWorkOrderId}</td>
                    <td className="mono">{m.shadowWorkOrderId}</td>
                    <td>
                      <ul className="plain-list">
                        {differencesOf(m.differences).map((d) => (
                          <li key={d.field}>
                            {d.field}: <span className="user-text mono">{shown(d.legacy)}</span> →{" "}
                            <span className="user-text mono">{shown(d.shadow)}</span>
                          </li>
                        ))}
                      </ul>
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
