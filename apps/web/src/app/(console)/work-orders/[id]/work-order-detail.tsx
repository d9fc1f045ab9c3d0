"use client";
import "~/lib/zod-jitless";
import { TERMINAL_STATES } from "@qmc/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { ConfirmedAction } from "~/components/confirmed-action";
import { EmptyState } from "~/components/empty-state";
import { LiveData } from "~/components/live-data";
import { jsonText, LongText } from "~/components/long-text";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { useCan } from "~/hooks/use-can";
import { formatMs, NO_DATA } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { mappedState, stateTone } from "../work-order-filters";

interface TimelineEntry {
  key: string;
  at: Date;
  system: "Legacy" | "New system" | "Shadow copy";
  what: string;
  state: string;
  worker: string | null;
}

const orderLink = (id: string) => `/work-orders/${encodeURIComponent(id)}`;

export function WorkOrderDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const mayCancel = useCan("workOrders:cancel");
  const query = useQuery({ ...trpc.workOrders.get.queryOptions({ id }), ...liveQuery });
  return (
    <LiveData query={query} what="the work order">
      {(order) => {
        const primary = order.system === "NEW" ? order.newSystem : null;
        const kind = order.newSystem?.kind ?? order.legacy?.kind ?? NO_DATA;
        const state = order.newSystem
          ? order.newSystem.state
          : order.legacy
            ? mappedState(order.legacy.status)
            : null;
        const payload = order.newSystem?.payload ?? order.legacy?.payload;
        const output = (order.system === "NEW" ? order.newSystem?.output : order.legacy?.output) ?? null;
        const resubmittedFrom = order.newSystem?.resubmittedFromId ?? order.legacy?.resubmittedFromId ?? null;
        const timeline: TimelineEntry[] = [
          ...(order.legacy?.statusChanges ?? []).map((change) => ({
            key: `l${change.id}`,
            at: change.at,
            system: "Legacy" as const,
            what: `${change.fromStatus ?? "—"} → ${change.toStatus}`,
            state: mappedState(change.toStatus) ?? "unknown",
            worker: change.workerId,
          })),
          ...(order.newSystem?.transitions ?? []).map((t) => ({
            key: `n${t.id}`,
            at: t.at,
            system: order.newSystem?.role === "SHADOW" ? ("Shadow copy" as const) : ("New system" as const),
            what: `${t.event}${t.attempt ? ` (attempt ${t.attempt})` : ""}`,
            state: t.toState,
            worker: t.workerId,
          })),
          ...(order.shadow?.transitions ?? []).map((t) => ({
            key: `s${t.id}`,
            at: t.at,
            system: "Shadow copy" as const,
            what: `${t.event}${t.attempt ? ` (attempt ${t.attempt})` : ""}`,
            state: t.toState,
            worker: t.workerId,
          })),
        ].sort((a, b) => a.at.getTime() - b.at.getTime());
        const cancellable =
          primary !== null && !(TERMINAL_STATES as readonly string[]).includes(primary.state);
        return (
          <div className="stack">
            <section className="card" aria-labelledby="order-summary">
              <h2 id="order-summary">Summary</h2>
              <dl className="facts">
                <dt>State</dt>
                <dd>
                  <StatusBadge tone={stateTone(state)}>
                    <span data-testid="order-state">{state ?? "unknown"}</span>
                  </StatusBadge>
                  {order.legacy && <span className="hint"> legacy status: {order.legacy.status}</span>}
                </dd>
                <dt>Result lives in</dt>
                <dd>{order.system === "NEW" ? "the new system" : "legacy"}</dd>
                <dt>Kind</dt>
                <dd>{kind}</dd>
                <dt>Submitted by</dt>
                <dd className="user-text">{order.newSystem?.submittedBy ?? order.legacy?.submittedBy}</dd>
                {resubmittedFrom && (
                  <>
                    <dt>Resubmitted from</dt>
                    <dd>
                      <Link className="mono" href={orderLink(resubmittedFrom)} data-testid="resubmitted-from">
                        {resubmittedFrom}
                      </Link>
                    </dd>
                  </>
                )}
                {order.shadow && (
                  <>
                    <dt>Shadow copy</dt>
                    <dd>
                      <Link className="mono" href={orderLink(order.shadow.id)}>
                        {order.shadow.id}
                      </Link>{" "}
                      ({order.shadow.state})
                    </dd>
                  </>
                )}
                {order.newSystem?.shadowOfId && (
                  <>
                    <dt>Shadow of</dt>
                    <dd>
                      <Link className="mono" href={orderLink(order.newSystem.shadowOfId)}>
                        {order.newSystem.shadowOfId}
                      </Link>
                    </dd>
                  </>
                )}
                {(order.newSystem?.errorMessage ?? order.legacy?.errorMessage) && (
                  <>
                    <dt>Error</dt>
                    <dd className="user-text">
                      {order.newSystem?.errorMessage ?? order.legacy?.errorMessage}
                    </dd>
                  </>
                )}
              </dl>
              {mayCancel && cancellable && primary && (
                <div className="actions">
                  <ConfirmedAction
                    label="Cancel this order"
                    title="Cancel this work order?"
                    confirmLabel="Cancel the order"
                    askReason={false}
                    effect={
                      <p>
                        The order is {primary.state}. Waiting orders are cancelled at once; a running one is
                        stopped by the worker holding it. This cannot be undone.
                      </p>
                    }
                    run={() => client.workOrders.cancel.mutate({ id })}
                    toastOf={(result) => ({
                      title: result.outcome === "cancelled" ? "Order cancelled" : "Cancel requested",
                      description: result.workOrderId,
                      link: { href: `/audit?subjectId=${encodeURIComponent(id)}`, label: "Audit entries" },
                    })}
                    onDone={() =>
                      queryClient.invalidateQueries({ queryKey: trpc.workOrders.get.queryKey({ id }) })
                    }
                  />
                </div>
              )}
            </section>

            <section className="card" aria-labelledby="order-timeline">
              <h2 id="order-timeline">Timeline of both systems</h2>
              {timeline.length === 0 ? (
                <EmptyState title="Nothing has happened to this order yet." />
              ) : (
                <table className="table" data-testid="timeline">
                  <caption className="visually-hidden">Events of the order, oldest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">System</th>
                      <th scope="col">Event</th>
                      <th scope="col">State</th>
                      <th scope="col">Worker</th>
                    </tr>
                  </thead>
                  <tbody>
                    {timeline.map((entry) => (
                      <tr key={entry.key}>
                        <td>
                          <RelativeTime at={entry.at} />
                        </td>
                        <td>{entry.system}</td>
                        <td className="mono">{entry.what}</td>
                        <td>
                          <StatusBadge tone={stateTone(entry.state)}>{entry.state}</StatusBadge>
                        </td>
                        <td className="mono">{entry.worker ?? NO_DATA}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>

            <section className="card" aria-labelledby="order-attempts">
              <h2 id="order-attempts">Attempts</h2>
              {order.attempts.length === 0 ? (
                <EmptyState title="No attempt yet." />
              ) : (
                <table className="table">
                  <caption className="visually-hidden">Execution attempts</caption>
                  <thead>
                    <tr>
                      <th scope="col">System</th>
                      <th scope="col">Attempt</th>
                      <th scope="col">Started</th>
                      <th scope="col" className="num">
                        Queued
                      </th>
                      <th scope="col" className="num">
                        Duration
                      </th>
                      <th scope="col">Exit code</th>
                      <th scope="col">Error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {order.attempts.map((attempt) => (
                      <tr key={String(attempt.id)}>
                        <td>
                          {attempt.system === "LEGACY" ? "Legacy" : "New system"}
                          {attempt.role === "SHADOW" ? " (shadow)" : ""}
                        </td>
                        <td>{attempt.attempt}</td>
                        <td>
                          <RelativeTime at={attempt.startedAt} />
                        </td>
                        <td className="num">{formatMs(attempt.queuedMs)}</td>
                        <td className="num">{formatMs(attempt.durationMs)}</td>
                        <td>{attempt.exitCode ?? NO_DATA}</td>
                        <td className="user-text">
                          {[attempt.errorClass, attempt.errorMessage].filter(Boolean).join(": ") || NO_DATA}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>

            <div className="grid">
              <section className="card" aria-labelledby="order-payload">
                <h2 id="order-payload">Payload</h2>
                <LongText value={jsonText(payload)} label="Payload" />
              </section>
              <section className="card" aria-labelledby="order-output">
                <h2 id="order-output">Output</h2>
                {output === null ? (
                  <EmptyState title="No output yet." />
                ) : output === "" ? (
                  <p className="muted">The order produced no output.</p>
                ) : (
                  <LongText value={output} label="Output" />
                )}
              </section>
            </div>

            <section className="card" aria-labelledby="order-comparison">
              <h2 id="order-comparison">Shadow comparison</h2>
              {order.comparison ? (
                <div className="stack">
                  <p>
                    <StatusBadge tone={order.comparison.outcome === "MATCH" ? "ok" : "bad"}>
                      {order.comparison.outcome === "MATCH" ? "Match" : "Mismatch"}
                    </StatusBadge>{" "}
                    compared <RelativeTime at={order.comparison.comparedAt} />
                  </p>
                  <h3>Differences</h3>
                  <LongText value={jsonText(order.comparison.differences)} label="Differences" />
                  <div className="grid">
                    <div>
                      <h3>Legacy outcome</h3>
                      <LongText value={jsonText(order.comparison.legacyOutcome)} label="Legacy outcome" />
                    </div>
                    <div>
                      <h3>Shadow outcome</h3>
                      <LongText value={jsonText(order.comparison.shadowOutcome)} label="Shadow outcome" />
                    </div>
                  </div>
                </div>
              ) : (
                <EmptyState title="No shadow comparison for this order.">
                  Only legacy orders submitted while shadow mode was on have one, once both runs ended.
                </EmptyState>
              )}
            </section>
          </div>
        );
      }}
    </LiveData>
  );
}
