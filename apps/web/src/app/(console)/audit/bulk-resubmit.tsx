"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ConfirmDialog } from "~/components/confirm-dialog";
import { ErrorMessage } from "~/components/error-message";
import { LiveData } from "~/components/live-data";
import { missingReason, ReasonField } from "~/components/reason-field";
import { StatusBadge } from "~/components/status-badge";
import { useToast } from "~/components/toast-provider";
import { formatCount } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { type AuditFilters, resubmitFilter } from "./audit-filters";

const ENDED = ["COMPLETED", "FAILED", "CANCELLED"];

function describeFilter(filters: AuditFilters): string {
  const parts = [
    filters.subjectId && `order ${filters.subjectId}`,
    filters.actor && `by ${filters.actor}`,
    filters.from && `from ${filters.from} UTC`,
    filters.to && `to ${filters.to} UTC`,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "no filter: every submission in the log";
}

/** Follows a background run with migration.status until it ends. */
function RunProgress({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.migration.status.queryOptions({ runId }),
    refetchInterval: (q) => (q.state.data && ENDED.includes(q.state.data.status) ? false : 1_000),
  });
  return (
    <LiveData query={query} what="the bulk resubmission's progress">
      {(run) => {
        const tone =
          run.status === "COMPLETED"
            ? "ok"
            : run.status === "FAILED"
              ? "bad"
              : run.status === "CANCELLED"
                ? "unknown"
                : "warn";
        return (
          <div className="stack" data-testid="bulk-progress">
            <p>
              <StatusBadge tone={tone}>
                <span data-testid="bulk-status">{run.status}</span>
              </StatusBadge>{" "}
              {formatCount(run.processed)} of {formatCount(run.total)} processed · {formatCount(run.moved)}{" "}
              resubmitted · {formatCount(run.skipped)} skipped · {formatCount(run.failed)} failed
            </p>
            <progress
              className="run-progress"
              max={Math.max(run.total, 1)}
              value={run.total === 0 && ENDED.includes(run.status) ? 1 : run.processed}
              aria-label="Bulk resubmission progress"
            />
            {run.error && <p className="error-message user-text">{run.error}</p>}
            <p className="hint">
              Run <span className="mono">{run.id}</span> ·{" "}
              <Link href="/audit?action=work_order.resubmit">The resubmitted orders in the audit log</Link>
            </p>
          </div>
        );
      }}
    </LiveData>
  );
}

/** Resubmits every submission the current filter matches, after the dry-run count and a reason. */

/** How often the dry-run count is recounted while the page is open. */
const PLAN_REFRESH_MS = 15_000;

/** "123" or, past the standing dry run's cap, "more than 1,000". */
function countText(plan: { count: number; exact: boolean }): string {
  return plan.exact ? formatCount(plan.count) : `more than ${formatCount(plan.count)}`;
}
export function BulkResubmit({ filters }: { filters: AuditFilters }) {
  const trpc = useTRPC();
  const notify = useToast();
  const filter = resubmitFilter(filters);
  // The standing dry run stops counting past 1,000 (a filter can match a million submissions
  // over a busy month) and is refreshed every 15 s, not at the live 1.5 s; the confirmation counts
  // every matching submission once, when it opens, and starts the run on that count.
  const plan = useQuery({
    ...trpc.audit.bulkResubmitPlan.queryOptions(filter),
    ...liveQuery,
    refetchInterval: PLAN_REFRESH_MS,
  });
  const [open, setOpen] = useState(false);
  const exactPlan = useQuery({
    ...trpc.audit.bulkResubmitPlan.queryOptions({ ...filter, exact: true }),
    enabled: open,
    staleTime: 0,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
  const [reason, setReason] = useState("");
  const [runId, setRunId] = useState<string | null>(null);
  // A run still going (started before a reload, or by someone else) is followed too.
  const latest = useQuery({
    ...trpc.migration.runs.queryOptions({ type: "BULK_RESUBMIT", limit: 1 }),
    ...liveQuery,
    enabled: runId === null,
  });
  const active = latest.data?.[0];
  const followed = runId ?? (active && !ENDED.includes(active.status) ? active.id : null);
  const [confirmedCount, setConfirmedCount] = useState(0);
  const start = useMutation(
    trpc.audit.bulkResubmit.mutationOptions({
      onSuccess: (started) => {
        setOpen(false);
        setReason("");
        setRunId(started.runId);
        notify({
          title: `Bulk resubmission started (${formatCount(confirmedCount)} orders)`,
          description: `Run ${started.runId}`,
          link: { href: "/audit?action=work_order.resubmit", label: "Resubmitted orders" },
        });
      },
    }),
  );
  return (
    <section className="card" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Bulk resubmit</h2>
      <LiveData query={plan} what="the dry-run count">
        {(dry) => (
          <div className="stack">
            <p data-testid="bulk-plan">
              Dry run for the current filter ({describeFilter(filters)}):{" "}
              <strong>{countText(dry)} submissions</strong> would be resubmitted
              {dry.excludedShadows ? `; ${formatCount(dry.excludedShadows)} shadow copies are left out` : ""}.
              {filters.action ? " The action filter does not apply: only submissions are resubmitted." : ""}
            </p>
            <div className="actions">
              <ActionButton
                tone="primary"
                disabledReason={dry.count === 0 ? "The current filter matches no submission." : null}
                onClick={() => {
                  start.reset();
                  setOpen(true);
                }}
              >
                Resubmit {countText(dry)} orders…
              </ActionButton>
            </div>
            <ConfirmDialog
              open={open}
              title={
                exactPlan.data ? `Resubmit ${formatCount(exactPlan.data.count)} orders?` : "Resubmit orders?"
              }
              tone="primary"
              confirmLabel={
                exactPlan.data ? `Resubmit ${formatCount(exactPlan.data.count)} orders` : "Resubmit"
              }
              busy={start.isPending}
              confirmDisabledReason={
                !exactPlan.data
                  ? "Counting the submissions the filter matches…"
                  : exactPlan.data.count === 0
                    ? "The current filter matches no submission."
                    : missingReason(reason)
              }
              onConfirm={() => {
                const counted = exactPlan.data;
                if (!counted) return;
                setConfirmedCount(counted.count);
                start.mutate({ filter, upToId: counted.upToId, reason: reason.trim() });
              }}
              onClose={() => {
                setOpen(false);
                start.reset();
              }}
            >
              {exactPlan.data ? (
                <p data-testid="bulk-confirm-count">
                  <strong>{formatCount(exactPlan.data.count)} orders</strong> ({describeFilter(filters)}, up
                  to entry {exactPlan.data.upToId}) are submitted again as new orders, routed by the live
                  rollout, each linking back to its original.
                  {exactPlan.data.excludedShadows
                    ? ` ${formatCount(exactPlan.data.excludedShadows)} shadow copies the filter matches are left out.`
                    : ""}{" "}
                  Entries written after the count are not included.
                </p>
              ) : exactPlan.error ? (
                <ErrorMessage error={exactPlan.error} />
              ) : (
                <p className="hint" aria-live="polite">
                  Counting every submission the filter matches…
                </p>
              )}
              {dry.sampleSubjectIds.length > 0 && (
                <p className="hint">
                  For example: <span className="mono">{dry.sampleSubjectIds.slice(0, 5).join(", ")}</span>
                </p>
              )}
              <ReasonField
                value={reason}
                onChange={setReason}
                placeholder="e.g. failed during the Redis outage"
              />
              <ErrorMessage error={start.error} />
            </ConfirmDialog>
          </div>
        )}
      </LiveData>
      {followed && <RunProgress runId={followed} />}
    </section>
  );
}
