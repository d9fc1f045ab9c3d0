"use client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ErrorMessage } from "~/components/error-message";
import { PauseEvidenceLink } from "~/components/pause-evidence-link";
import { missingReason, ReasonField } from "~/components/reason-field";
import { StatusBadge } from "~/components/status-badge";
import { useToast } from "~/components/toast-provider";
import { useCan } from "~/hooks/use-can";
import { useTRPC } from "~/trpc/react";
import type { RolloutConfig } from "./rollout-values";
import { auditLinkOf, useRolloutInvalidation } from "./use-rollout-invalidation";

/**
 * The health guard paused the rollout: why, what it blocks, and (for operators) acknowledging it
 * with a reason, which lifts the pause (rollout.resume acknowledges every open pause decision).
 */
export function PausedPanel({ live }: { live: RolloutConfig }) {
  const trpc = useTRPC();
  const notify = useToast();
  const invalidate = useRolloutInvalidation();
  const canAcknowledge = useCan("rollout:acknowledge");
  const [reason, setReason] = useState("");
  const resume = useMutation(
    trpc.rollout.resume.mutationOptions({
      onSuccess: async (next) => {
        setReason("");
        notify({
          title: `Pause acknowledged (v${next.version})`,
          description: "The percent may rise again.",
          link: auditLinkOf(next.version),
        });
        await invalidate();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!missingReason(reason)) resume.mutate({ reason: reason.trim() });
  };
  return (
    <section className="card paused-panel" aria-labelledby="paused-title">
      <h2 id="paused-title">
        <span>
          <StatusBadge tone="warn">Paused</StatusBadge> The health guard paused the rollout
        </span>
      </h2>
      <p>
        Why: <span className="user-text">{live.pausedReason ?? "a health threshold was crossed"}</span>
      </p>
      <PauseEvidenceLink />
      <p>
        While paused, the percent cannot rise and the switch cannot go on. Lowering the percent and rolling
        back stay allowed.
      </p>
      {canAcknowledge && (
        <form className="form" onSubmit={submit} aria-label="Acknowledge the pause">
          <ReasonField
            value={reason}
            onChange={setReason}
            label="Why it is safe to go on (kept in the audit log)"
            placeholder="e.g. error spike was a bad deploy of a client, fixed at 14:02"
          />
          <ErrorMessage error={resume.error} />
          <div className="actions">
            <ActionButton
              type="submit"
              tone="primary"
              busy={resume.isPending}
              disabledReason={missingReason(reason)}
            >
              Acknowledge and lift the pause
            </ActionButton>
          </div>
        </form>
      )}
    </section>
  );
}
