"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState } from "~/components/empty-state";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import {
  actionName,
  DECISION_STATUS,
  decisionLink,
  formatLimit,
  formatMetric,
  METRIC_NAME,
} from "./health-words";

export const ALERTS_PAGE = 20;

/** Every decision the guard took, newest first, each linked to its stored inputs; paged in the URL. */
export function AlertsCard({ cursor }: { cursor: string | null }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.guard.alerts.queryOptions({ limit: ALERTS_PAGE, ...(cursor ? { cursor } : {}) }),
    ...liveQuery,
  });
  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alert history</h2>
      <LiveData query={query} what="the alert history">
        {(page) =>
          page.items.length === 0 ? (
            <EmptyState title="The health guard has not acted yet.">
              Every pause, alert and memory decision appears here with the inputs it was decided on.
            </EmptyState>
          ) : (
            <>
              <table className="table" data-testid="alerts">
                <caption className="visually-hidden">Health guard decisions, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Rule · subject</th>
                    <th scope="col" className="num">
                      Value
                    </th>
                    <th scope="col">Action</th>
                    <th scope="col">Status</th>
                    <th scope="col">Acknowledged</th>
                    <th scope="col">Evidence</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <RelativeTime at={new Date(d.at)} />
                      </td>
                      <td>
                        {METRIC_NAME[d.metric]} · <span className="mono">{d.subject}</span>
                      </td>
                      <td className="num">
                        {formatMetric(d.metric, d.value)}
                        <br />
                        <span className="muted">limit {formatLimit(d.metric, d.limit)}</span>
                      </td>
                      <td>{actionName(d.action, d.metric)}</td>
                      <td>
                        <StatusBadge tone={DECISION_STATUS[d.status].tone}>
                          {DECISION_STATUS[d.status].text}
                        </StatusBadge>
                      </td>
                      <td>
                        {d.acknowledgedBy ? (
                          <>
                            {d.acknowledgedBy}: <span className="user-text wrap">{d.acknowledgedReason}</span>
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>
                        <Link href={decisionLink(d.id)}>Stored inputs</Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="pager">
                {cursor && <Link href="/health">Newest decisions</Link>}
                {page.nextCursor && (
                  <Link href={`/health?cursor=${encodeURIComponent(page.nextCursor)}`}>Older decisions</Link>
                )}
              </p>
            </>
          )
        }
      </LiveData>
    </section>
  );
}
