"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, Fragment, useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ErrorMessage } from "~/components/error-message";
import { LiveData } from "~/components/live-data";
import { missingReason, ReasonField } from "~/components/reason-field";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { useToast } from "~/components/toast-provider";
import { useCan } from "~/hooks/use-can";
import { formatUtc } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import {
  actionName,
  DECISION_STATUS,
  type DecisionDetail,
  formatLimit,
  formatMetric,
  METRIC_NAME,
  sampleWords,
  windowWords,
} from "./health-words";

interface StoredInputs {
  values: Record<string, unknown>;
  window: { seconds: number; from: string; to: string };
  sample: { size: number; minimum: number };
  evaluatedBy: string;
  evaluatedAt: string;
}

function structured(inputs: DecisionDetail["inputs"]): StoredInputs | null {
  return typeof inputs === "object" && inputs !== null && "window" in inputs && "sample" in inputs
    ? (inputs as unknown as StoredInputs)
    : null;
}

function shown(value: unknown): string {
  if (typeof value === "number" || typeof value === "string") return String(value);
  return JSON.stringify(value);
}

function AcknowledgeForm({ decision }: { decision: DecisionDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [reason, setReason] = useState("");
  const acknowledge = useMutation(
    trpc.guard.acknowledge.mutationOptions({
      onSuccess: async (done) => {
        setReason("");
        notify({
          title: done.action === "PAUSE_ROLLOUT" ? "Pause acknowledged and lifted" : "Decision acknowledged",
          description:
            done.action === "PAUSE_ROLLOUT"
              ? "The percent may rise again; the rule re-arms after a full window."
              : "It resolves by itself once the value is back within its limit.",
        });
        await queryClient.invalidateQueries();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!missingReason(reason)) acknowledge.mutate({ id: decision.id, reason: reason.trim() });
  };
  const lifts = decision.action === "PAUSE_ROLLOUT";
  return (
    <form className="form" onSubmit={submit} aria-label="Acknowledge this decision">
      <ReasonField
        value={reason}
        onChange={setReason}
        label="Why it is safe to go on (kept in the audit log)"
        placeholder="e.g. failing client deploy rolled back at 14:02"
      />
      <ErrorMessage error={acknowledge.error} />
      <div className="actions">
        <ActionButton
          type="submit"
          tone="primary"
          busy={acknowledge.isPending}
          disabledReason={missingReason(reason)}
        >
          {lifts ? "Acknowledge and lift the pause" : "Acknowledge the alert"}
        </ActionButton>
      </div>
    </form>
  );
}

/** One decision's evidence, in words and as stored: what was measured, over which window, against what. */
export function DecisionCard({ id }: { id: string }) {
  const trpc = useTRPC();
  const canAcknowledge = useCan("guard:acknowledge");
  const query = useQuery({ ...trpc.guard.decision.queryOptions({ id }), ...liveQuery });
  return (
    <section className="card evidence" id="decision" aria-labelledby="decision-title" data-testid="decision">
      <h2 id="decision-title">Why the health guard acted</h2>
      <LiveData query={query} what="the decision">
        {(d) => {
          const inputs = structured(d.inputs);
          const status = DECISION_STATUS[d.status];
          return (
            <>
              <p>
                <StatusBadge tone={status.tone}>{status.text}</StatusBadge>{" "}
                <strong>{actionName(d.action, d.metric)}</strong> because the{" "}
                {METRIC_NAME[d.metric].charAt(0).toLowerCase() + METRIC_NAME[d.metric].slice(1)} (
                <span className="mono">{d.subject}</span>) was {formatMetric(d.metric, d.value)}, limit{" "}
                {formatLimit(d.metric, d.limit)}.
              </p>
              <p className="user-text" data-testid="decision-explanation">
                {d.explanation}
              </p>
              <dl className="facts" data-testid="decision-inputs">
                <dt>Decided</dt>
                <dd>
                  <RelativeTime at={new Date(d.at)} />
                  {inputs && (
                    <>
                      {" "}
                      by <span className="mono">{inputs.evaluatedBy}</span>
                    </>
                  )}
                </dd>
                <dt>Window</dt>
                <dd>
                  {windowWords(d.windowSeconds)}
                  {inputs && (
                    <>
                      {" "}
                      ({formatUtc(new Date(inputs.window.from))} to {formatUtc(new Date(inputs.window.to))})
                    </>
                  )}
                </dd>
                <dt>Sample</dt>
                <dd>{sampleWords(d.sampleSize, inputs?.sample.minimum ?? 0)} finished orders or samples</dd>
                {inputs &&
                  Object.entries(inputs.values).map(([key, value]) => (
                    <Fragment key={key}>
                      <dt>Measured {key}</dt>
                      <dd className="mono">{shown(value)}</dd>
                    </Fragment>
                  ))}
                {d.acknowledgedBy && (
                  <>
                    <dt>Acknowledged</dt>
                    <dd>
                      by {d.acknowledgedBy}
                      {d.acknowledgedAt && (
                        <>
                          {" "}
                          <RelativeTime at={new Date(d.acknowledgedAt)} />
                        </>
                      )}
                      : <span className="user-text">{d.acknowledgedReason}</span>
                    </dd>
                  </>
                )}
                {d.resolvedAt && (
                  <>
                    <dt>Resolved</dt>
                    <dd>
                      <RelativeTime at={new Date(d.resolvedAt)} />
                      {d.resolution ? `: ${d.resolution}` : ""}
                    </dd>
                  </>
                )}
              </dl>
              {d.status === "OPEN" && canAcknowledge && <AcknowledgeForm decision={d} />}
              {d.status === "OPEN" && !canAcknowledge && (
                <p className="muted">An operator acknowledges it with a reason.</p>
              )}
              <p>
                <Link href="/health">Close</Link>
                {d.action === "PAUSE_ROLLOUT" && (
                  <>
                    {" · "}
                    <Link href="/rollout">The rollout it paused</Link>
                  </>
                )}
              </p>
            </>
          );
        }}
      </LiveData>
    </section>
  );
}
