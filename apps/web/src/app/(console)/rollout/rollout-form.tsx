"use client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ErrorMessage } from "~/components/error-message";
import { missingReason, ReasonField } from "~/components/reason-field";
import { useToast } from "~/components/toast-provider";
import { apiErrorFacts } from "~/lib/api-error";
import { useTRPC } from "~/trpc/react";
import { PercentSlider } from "./percent-slider";
import {
  applyLabel,
  describeRouting,
  draftOf,
  isRising,
  type RolloutConfig,
  type RolloutDraft,
  sameDraft,
} from "./rollout-values";
import { RoutePreview } from "./route-preview";
import { auditLinkOf, useRolloutInvalidation } from "./use-rollout-invalidation";

/**
 * Switch, shadow and percent with a preview, a required reason, and apply with the version the
 * edit started from: if someone changed the rollout meanwhile, the API refuses and we say so.
 */
export function RolloutForm({ live }: { live: RolloutConfig }) {
  const trpc = useTRPC();
  const notify = useToast();
  const invalidate = useRolloutInvalidation();
  const [base, setBase] = useState(live);
  const [draft, setDraft] = useState<RolloutDraft>(() => draftOf(live));
  const [reason, setReason] = useState("");
  const edited = !sameDraft(draft, draftOf(base));
  // A change made elsewhere replaces an untouched form; an edited one keeps the edit and warns.
  useEffect(() => {
    if (live.version !== base.version && !edited) {
      setBase(live);
      setDraft(draftOf(live));
    }
  }, [live, base.version, edited]);
  const apply = useMutation(
    trpc.rollout.set.mutationOptions({
      onSuccess: async (next) => {
        notify({
          title: `Rollout v${next.version} applied`,
          description: `Now ${describeRouting(draftOf(next))}.`,
          link: auditLinkOf(next.version),
        });
        setBase(next);
        setDraft(draftOf(next));
        setReason("");
        await invalidate();
      },
      onError: (error) => {
        if (apiErrorFacts(error).domainCode === "CONFIG_VERSION_CONFLICT") void invalidate();
      },
    }),
  );
  const changedElsewhere = live.version !== base.version;
  const disabledReason = !edited
    ? "Nothing to apply: these are the live values. Change the switch, shadow or percent first."
    : live.paused && isRising(draftOf(live), draft)
      ? "The rollout is paused: acknowledge the pause first. Lowering the percent and rolling back stay allowed."
      : missingReason(reason);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (disabledReason) return;
    apply.mutate({
      useNewQueueSystem: draft.useNewQueueSystem,
      shadowMode: draft.shadowMode,
      newQueueRolloutPercent: draft.percent,
      reason: reason.trim(),
      expectedVersion: base.version,
    });
  };
  const conflictContext = {
    liveRollout: {
      version: live.version,
      newQueueRolloutPercent: live.newQueueRolloutPercent,
      useNewQueueSystem: live.useNewQueueSystem,
    },
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Change the rollout">
      {changedElsewhere && (
        <p className="notice" role="status">
          The live rollout changed to v{live.version} ({describeRouting(draftOf(live))}) while you were
          editing v{base.version}.{" "}
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setBase(live);
              setDraft(draftOf(live));
              apply.reset();
            }}
          >
            Load the live values
          </button>
        </p>
      )}
      <div className="inline-fields">
        <label className="check">
          <input
            type="checkbox"
            role="switch"
            checked={draft.useNewQueueSystem}
            aria-checked={draft.useNewQueueSystem}
            onChange={(event) => setDraft({ ...draft, useNewQueueSystem: event.target.checked })}
          />
          New queue system (master switch)
        </label>
        <label className="check">
          <input
            type="checkbox"
            role="switch"
            checked={draft.shadowMode}
            aria-checked={draft.shadowMode}
            onChange={(event) => setDraft({ ...draft, shadowMode: event.target.checked })}
          />
          Shadow mode (run a copy of legacy orders in the new system and compare)
        </label>
      </div>
      <PercentSlider value={draft.percent} onChange={(percent) => setDraft({ ...draft, percent })} />
      {!draft.useNewQueueSystem && draft.percent > 0 && (
        <p className="hint">With the switch off, the percent is kept but no order goes to the new system.</p>
      )}
      <RoutePreview draft={draft} />
      <ReasonField value={reason} onChange={setReason} />
      {apply.error && <ErrorMessage error={apply.error} context={conflictContext} />}
      <div className="actions">
        <ActionButton type="submit" tone="primary" busy={apply.isPending} disabledReason={disabledReason}>
          {apply.isPending ? "Applying…" : applyLabel(draftOf(live), draft)}
        </ActionButton>
        {edited && (
          <button type="button" className="button button-plain" onClick={() => setDraft(draftOf(base))}>
            Discard changes
          </button>
        )}
      </div>
    </form>
  );
}
