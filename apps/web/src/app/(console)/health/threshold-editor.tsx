"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ErrorMessage } from "~/components/error-message";
import { missingReason, ReasonField } from "~/components/reason-field";
import { useToast } from "~/components/toast-provider";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { formatLimit, METRIC_NAME, type Metric, type ThresholdRule } from "./health-words";

const UNIT_HINT: Record<Metric, string> = {
  ERROR_RATE: "a fraction: 0.01 is 1 %",
  P99_LATENCY_RATIO: "a multiple of the legacy p99: 2 is twice",
  QUEUE_DEPTH_GROWTH: "orders per minute",
  MEMORY_USAGE: "a fraction of memory: 0.9 is 90 %",
};

interface Draft {
  limit: string;
  windowSeconds: string;
  minSample: string;
  enabled: boolean;
}

const draftOf = (rule: ThresholdRule): Draft => ({
  limit: String(rule.limit),
  windowSeconds: String(rule.windowSeconds),
  minSample: String(rule.minSample),
  enabled: rule.enabled,
});

function RuleForm({ rule }: { rule: ThresholdRule }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const ids = { limit: useId(), window: useId(), sample: useId(), enabled: useId(), hint: useId() };
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule));
  const [reason, setReason] = useState("");
  const save = useMutation(
    trpc.guard.updateThreshold.mutationOptions({
      onSuccess: async (saved) => {
        setReason("");
        notify({
          title: `${METRIC_NAME[saved.metric]}: saved`,
          description: `Now ${formatLimit(saved.metric, saved.limit)}, window ${saved.windowSeconds} s, minimum sample ${saved.minSample}${saved.enabled ? "" : ", rule off"}.`,
          link: { href: "/audit", label: "Audit log" },
        });
        await queryClient.invalidateQueries(trpc.guard.thresholds.queryFilter());
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (missingReason(reason)) return;
    save.mutate({
      metric: rule.metric,
      limit: Number(draft.limit),
      windowSeconds: Number(draft.windowSeconds),
      minSample: Number(draft.minSample),
      enabled: draft.enabled,
      reason: reason.trim(),
    });
  };
  const unchanged =
    JSON.stringify(draft) === JSON.stringify(draftOf(rule)) ? "Change a value first: nothing to save." : null;
  return (
    <form className="form" onSubmit={submit} aria-label={`Edit: ${METRIC_NAME[rule.metric]}`}>
      <div className="inline-fields">
        <div className="field">
          <label htmlFor={ids.limit}>Limit</label>
          <input
            id={ids.limit}
            type="number"
            step="any"
            value={draft.limit}
            aria-describedby={ids.hint}
            onChange={(e) => setDraft({ ...draft, limit: e.target.value })}
          />
          <span id={ids.hint} className="hint">
            {UNIT_HINT[rule.metric]}
          </span>
        </div>
        <div className="field">
          <label htmlFor={ids.window}>Window (s)</label>
          <input
            id={ids.window}
            type="number"
            step={1}
            min={1}
            value={draft.windowSeconds}
            onChange={(e) => setDraft({ ...draft, windowSeconds: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.sample}>Minimum sample</label>
          <input
            id={ids.sample}
            type="number"
            step={1}
            min={1}
            value={draft.minSample}
            onChange={(e) => setDraft({ ...draft, minSample: e.target.value })}
          />
        </div>
        <div className="field check">
          <input
            id={ids.enabled}
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
          />
          <label htmlFor={ids.enabled}>Rule on</label>
        </div>
      </div>
      <ReasonField value={reason} onChange={setReason} placeholder="e.g. noisy at night: 2 % until OPS-88" />
      <ErrorMessage error={save.error} />
      <div className="actions">
        <ActionButton
          type="submit"
          tone="primary"
          busy={save.isPending}
          disabledReason={unchanged ?? missingReason(reason)}
        >
          Save the {METRIC_NAME[rule.metric].toLowerCase()} rule
        </ActionButton>
      </div>
    </form>
  );
}

/** Admins edit one rule at a time, with a reason (validated and audited by the API). */
export function ThresholdEditor() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.guard.thresholds.queryOptions(), ...liveQuery });
  const selectId = useId();
  const [metric, setMetric] = useState<Metric>("ERROR_RATE");
  const rule = query.data?.rules.find((r) => r.metric === metric);
  return (
    <section className="card" aria-labelledby="edit-thresholds-title">
      <h2 id="edit-thresholds-title">Edit a threshold</h2>
      <div className="field">
        <label htmlFor={selectId}>Rule</label>
        <select id={selectId} value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
          {(query.data?.rules ?? []).map((r) => (
            <option key={r.metric} value={r.metric}>
              {METRIC_NAME[r.metric]}
            </option>
          ))}
        </select>
      </div>
      {rule && <RuleForm key={`${rule.metric}-${String(rule.updatedAt)}`} rule={rule} />}
    </section>
  );
}
