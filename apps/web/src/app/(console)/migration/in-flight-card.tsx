"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ConfirmedAction } from "~/components/confirmed-action";
import { ErrorMessage } from "~/components/error-message";
import { LiveData } from "~/components/live-data";
import { missingReason, ReasonField } from "~/components/reason-field";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { useToast } from "~/components/toast-provider";
import { useCan } from "~/hooks/use-can";
import { formatCount } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { roleReason } from "~/lib/permissions";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import {
  type BackgroundRun,
  isActive,
  LEGACY_STATUS_MEANING,
  LEGACY_STATUS_ORDER,
  PLAN_SAMPLE,
  RUN_STATUS,
  RUNS_LIMIT,
} from "./migration-words";
import { holderSilenceText } from "./run-holder-words";

function percentDone(run: BackgroundRun): number {
  if (run.total === 0) return run.status === "COMPLETED" ? 100 : 0;
  // Never past 100 %: more orders than planned may be looked at (the total catches up at the end).
  return Math.min(100, Math.floor((run.processed / run.total) * 100));
}

/** The real run's progress, fed by the background run the worker executes. */
function RunProgress({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const canRun = useCan("migration:run");
  const query = useQuery({
    ...trpc.migration.status.queryOptions({ runId }),
    ...liveQuery,
    refetchInterval: 1_000,
  });
  return (
    <LiveData query={query} what="the migration's progress">
      {(run) => {
        const percent = percentDone(run);
        const status = RUN_STATUS[run.status];
        return (
          <div className="stack" data-testid="migration-progress">
            <p>
              <StatusBadge tone={status.tone}>{status.text}</StatusBadge> Started by {run.actor}{" "}
              <RelativeTime at={new Date(run.createdAt)} />: <span className="user-text">{run.reason}</span>
            </p>
            <progress
              className="progress"
              max={100}
              value={percent}
              aria-label="In-flight migration progress"
              aria-valuetext={`${percent} %`}
            />
            <p data-testid="migration-progress-text">
              <strong>{percent} %</strong> · {formatCount(run.processed)} of {formatCount(run.total)} looked
              at · {formatCount(run.moved)} moved · {formatCount(run.skipped)} skipped (legacy had started
              them) · {formatCount(run.failed)} failed
            </p>
            {run.holder && !run.holder.answering && (
              <p role="status" data-testid="migration-holder">
                <StatusBadge tone={run.holder.standbyWorkers > 0 ? "warn" : "bad"}>
                  Worker not answering
                </StatusBadge>{" "}
                {holderSilenceText(run.holder)}
              </p>
            )}
            {run.error && <p className="error-message">{run.error}</p>}
            {isActive(run) && canRun && (
              <div className="actions">
                <ConfirmedAction
                  label="Cancel the migration"
                  title="Cancel the in-flight migration?"
                  effect={
                    <p>
                      It stops between two batches. {formatCount(run.moved)} orders already moved stay in the
                      new system; orders not reached stay queued in legacy.
                    </p>
                  }
                  confirmLabel="Cancel the migration"
                  run={(reason) => client.migration.cancel.mutate({ runId, reason })}
                  toastOf={(r) => ({
                    title: "Cancel requested",
                    description: `The run is ${r.status.toLowerCase()}.`,
                  })}
                  onDone={() => queryClient.invalidateQueries(trpc.migration.pathFilter())}
                />
              </div>
            )}
          </div>
        );
      }}
    </LiveData>
  );
}

function DryRunForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [reason, setReason] = useState("");
  const dryRun = useMutation(
    trpc.migration.dryRun.mutationOptions({
      onSuccess: async ({ plan }) => {
        setReason("");
        notify({
          title: "Dry run recorded",
          description: `${formatCount(plan.toMove)} queued legacy orders would move. Nothing was moved.`,
        });
        await queryClient.invalidateQueries(trpc.migration.pathFilter());
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!missingReason(reason)) dryRun.mutate({ reason: reason.trim() });
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Dry run of the in-flight migration">
      <ReasonField value={reason} onChange={setReason} placeholder="e.g. phase 3: check before moving" />
      <ErrorMessage error={dryRun.error} />
      <div className="actions">
        <ActionButton type="submit" busy={dryRun.isPending} disabledReason={missingReason(reason)}>
          Dry run: count what would move
        </ActionButton>
      </div>
    </form>
  );
}

/** Dry run (counts by legacy status) first, then the real run with its progress bar. */
export function InFlightCard() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const canRun = useCan("migration:run");
  const plan = useQuery({ ...trpc.migration.plan.queryOptions({ sampleSize: PLAN_SAMPLE }), ...liveQuery });
  const runs = useQuery({
    ...trpc.migration.runs.queryOptions({ type: "IN_FLIGHT_MIGRATION", limit: RUNS_LIMIT }),
    ...liveQuery,
  });
  const [startedId, setStartedId] = useState<string | null>(null);
  const latestDry = runs.data?.find((r) => r.dryRun);
  const latestReal = runs.data?.find((r) => !r.dryRun);
  const shownRunId = startedId ?? latestReal?.id ?? null;
  const active = runs.data?.some((r) => !r.dryRun && isActive(r)) ?? false;
  const toMove = plan.data?.toMove ?? 0;
  const runBlocked = !canRun
    ? roleReason("migration:run")
    : active
      ? "A migration is already running: follow or cancel it below."
      : toMove === 0
        ? "Nothing is queued in legacy: there is nothing to move."
        : !latestDry
          ? "Do a dry run first, to see what would move."
          : null;
  return (
    <section className="card" aria-labelledby="in-flight-title">
      <h2 id="in-flight-title">In-flight migration</h2>
      <p>
        Queued legacy orders move to the new system as PENDING (marked migrated, keeping when they were
        submitted); orders legacy has started finish there; finished ones stay. The run is idempotent and
        audited.
      </p>
      <LiveData query={plan} what="the dry run counts">
        {(p) => (
          <>
            <table className="table" data-testid="migration-plan">
              <caption>Legacy orders now, by status (not yet migrated)</caption>
              <thead>
                <tr>
                  <th scope="col">Legacy status</th>
                  <th scope="col" className="num">
                    Orders
                  </th>
                  <th scope="col">In the migration</th>
                </tr>
              </thead>
              <tbody>
                {LEGACY_STATUS_ORDER.map((status) => (
                  <tr key={status}>
                    <th scope="row">{status}</th>
                    <td className="num">{formatCount(p.byStatus[status])}</td>
                    <td>{LEGACY_STATUS_MEANING[status]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p data-testid="migration-to-move">
              <strong>{formatCount(p.toMove)}</strong> queued orders would move now.
              {p.sampleIds.length > 0 && (
                <>
                  {" "}
                  First {formatCount(p.sampleIds.length)}:{" "}
                  <span className="mono user-text wrap">{p.sampleIds.join(", ")}</span>
                </>
              )}
            </p>
          </>
        )}
      </LiveData>
      {latestDry && (
        <p data-testid="latest-dry-run">
          Last dry run <RelativeTime at={new Date(latestDry.createdAt)} /> by {latestDry.actor}:{" "}
          {formatCount(latestDry.total)} orders would have moved.
        </p>
      )}
      {canRun && <DryRunForm />}
      {canRun && (
        <div className="actions">
          <ConfirmedAction
            label={`Move ${formatCount(toMove)} queued orders to the new system`}
            title="Move the queued legacy orders?"
            tone="primary"
            disabledReason={runBlocked}
            effect={
              <p>
                {formatCount(toMove)} queued legacy orders move to the new system as PENDING, in batches, run
                by a worker. Orders legacy starts meanwhile are skipped and finish there. You can cancel
                between batches.
              </p>
            }
            confirmLabel={`Move ${formatCount(toMove)} orders`}
            run={(reason) => client.migration.run.mutate({ reason })}
            toastOf={() => ({ title: "Migration started", description: "Its progress is shown below." })}
            onDone={(started) => {
              setStartedId(started.runId);
              void queryClient.invalidateQueries(trpc.migration.pathFilter());
            }}
          />
        </div>
      )}
      {shownRunId ? <RunProgress runId={shownRunId} /> : <p className="muted">No migration has run yet.</p>}
    </section>
  );
}
