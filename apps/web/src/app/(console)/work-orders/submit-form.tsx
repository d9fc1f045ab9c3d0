"use client";
import "~/lib/zod-jitless";
import { PRIORITY_RANGE, TASK_CATALOG, TASK_KINDS, type TaskKind } from "@qmc/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ErrorMessage } from "~/components/error-message";
import { useToast } from "~/components/toast-provider";
import { useTRPC } from "~/trpc/react";

const EXAMPLES: Record<TaskKind, string> = {
  synthetic: JSON.stringify({ durationMs: 200, outputBytes: 64 }, null, 2),
  command: JSON.stringify({ command: "echo", args: ["hello"] }, null, 2),
};

interface FieldErrors {
  payload?: string[];
  priority?: string;
}

/** Checks the payload with the kind's own zod schema (the one the API applies) before sending it. */
function validate(kind: TaskKind, payloadText: string, priorityText: string) {
  const errors: FieldErrors = {};
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch (error) {
    errors.payload = [`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (!errors.payload) {
    const parsed = TASK_CATALOG[kind].payloadSchema.safeParse(payload);
    if (!parsed.success) {
      errors.payload = parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`,
      );
    }
  }
  let priority: number | undefined;
  if (priorityText.trim()) {
    priority = Number(priorityText);
    if (!Number.isInteger(priority) || priority < PRIORITY_RANGE.min || priority > PRIORITY_RANGE.max) {
      errors.priority = `A whole number from ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}.`;
    }
  }
  return { errors, payload, priority };
}

/** Operators submit one order; it is routed by the live rollout like any other. */
export function SubmitWorkOrderForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [kind, setKind] = useState<TaskKind>("synthetic");
  const [payloadText, setPayloadText] = useState(EXAMPLES.synthetic);
  const [priorityText, setPriorityText] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = useMutation(
    trpc.workOrders.submit.mutationOptions({
      onSuccess: async (routed) => {
        notify({
          title: `Order submitted to ${routed.system === "NEW" ? "the new system" : "legacy"}`,
          description: `${routed.id}${routed.shadowId ? ` (with a shadow copy ${routed.shadowId})` : ""}`,
          link: { href: `/work-orders/${encodeURIComponent(routed.id)}`, label: "Open the order" },
        });
        await queryClient.invalidateQueries({ queryKey: trpc.workOrders.find.queryKey() });
      },
    }),
  );
  const send = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(kind, payloadText, priorityText);
    setErrors(checked.errors);
    if (checked.errors.payload || checked.errors.priority) return;
    submit.mutate({
      kind,
      payload: checked.payload,
      ...(checked.priority === undefined ? {} : { priority: checked.priority }),
    });
  };
  return (
    <section className="card" aria-labelledby="submit-title">
      <h2 id="submit-title">Submit a work order</h2>
      <form className="form" onSubmit={send} aria-label="Submit a work order" noValidate>
        <div className="inline-fields">
          <div className="field">
            <label htmlFor="submit-kind">Kind</label>
            <select
              id="submit-kind"
              value={kind}
              aria-describedby="submit-kind-hint"
              onChange={(event) => {
                const next = event.target.value as TaskKind;
                setKind(next);
                setPayloadText(EXAMPLES[next]);
                setErrors({});
              }}
            >
              {TASK_KINDS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="submit-priority">Priority (optional)</label>
            <input
              id="submit-priority"
              type="number"
              min={PRIORITY_RANGE.min}
              max={PRIORITY_RANGE.max}
              step={1}
              value={priorityText}
              aria-invalid={errors.priority ? true : undefined}
              aria-describedby={errors.priority ? "submit-priority-error" : undefined}
              onChange={(event) => setPriorityText(event.target.value)}
            />
            {errors.priority && (
              <span id="submit-priority-error" className="hint hint-bad">
                ✕ {errors.priority}
              </span>
            )}
          </div>
        </div>
        <p id="submit-kind-hint" className="hint">
          {TASK_CATALOG[kind].description}
        </p>
        <div className="field">
          <label htmlFor="submit-payload">Payload (JSON)</label>
          <textarea
            id="submit-payload"
            className="payload-input"
            rows={6}
            spellCheck={false}
            value={payloadText}
            aria-invalid={errors.payload ? true : undefined}
            aria-describedby={errors.payload ? "submit-payload-error" : "submit-payload-hint"}
            onChange={(event) => setPayloadText(event.target.value)}
          />
          {errors.payload ? (
            <ul id="submit-payload-error" className="hint hint-bad" data-testid="payload-errors">
              {errors.payload.map((problem) => (
                <li key={problem}>✕ {problem}</li>
              ))}
            </ul>
          ) : (
            <span id="submit-payload-hint" className="hint">
              Checked against the {kind} schema before it is sent.
            </span>
          )}
        </div>
        <ErrorMessage error={submit.error} />
        <div className="actions">
          <ActionButton type="submit" tone="primary" busy={submit.isPending}>
            {submit.isPending ? "Submitting…" : `Submit ${kind} order`}
          </ActionButton>
        </div>
      </form>
    </section>
  );
}
