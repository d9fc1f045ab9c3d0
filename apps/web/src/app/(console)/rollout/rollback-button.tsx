"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ConfirmDialog } from "~/components/confirm-dialog";
import { ErrorMessage } from "~/components/error-message";
import { missingReason, ReasonField } from "~/components/reason-field";
import { useToast } from "~/components/toast-provider";
import { formatPercent } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { describeRouting, draftOf, type RolloutConfig } from "./rollout-values";
import { auditLinkOf, useRolloutInvalidation } from "./use-rollout-invalidation";

/** One step back to safety, confirmed in a dialog that repeats what will happen. */
export function RollbackButton({ live }: { live: RolloutConfig }) {
  const trpc = useTRPC();
  const notify = useToast();
  const invalidate = useRolloutInvalidation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const rollback = useMutation(
    trpc.rollout.rollback.mutationOptions({
      onSuccess: async (next) => {
        setOpen(false);
        setReason("");
        notify({
          title: `Rolled back (v${next.version})`,
          description: "The new system is off and at 0 %: every new order goes to legacy.",
          link: auditLinkOf(next.version),
        });
        await invalidate();
      },
    }),
  );
  const disabledReason = live.legacyRetired
    ? "Legacy is retired: an admin un-retires it (Migration page) before a rollback."
    : !live.useNewQueueSystem
      ? "The new system is already off: every new order goes to legacy."
      : null;
  return (
    <>
      <ActionButton tone="danger" disabledReason={disabledReason} onClick={() => setOpen(true)}>
        Roll back to legacy
      </ActionButton>
      <ConfirmDialog
        open={open}
        title="Roll back to legacy?"
        confirmLabel="Roll back to legacy now"
        busy={rollback.isPending}
        confirmDisabledReason={missingReason(reason)}
        onConfirm={() => rollback.mutate({ reason: reason.trim() })}
        onClose={() => {
          setOpen(false);
          rollback.reset();
        }}
      >
        <p>
          Now: <strong>{describeRouting(draftOf(live))}</strong>.
        </p>
        <p>
          The master switch goes <strong>off</strong> and the percent from{" "}
          {formatPercent(live.newQueueRolloutPercent)} to <strong>0 %</strong>, in one version: every new
          order goes to the legacy queue within 2 s, on every process. Orders already in the new system finish
          there. Switching the new system on again starts at 0 %; raise it step by step
          {live.shadowMode ? ". Shadow mode stays on" : ""}.
        </p>
        <ReasonField value={reason} onChange={setReason} placeholder="e.g. p99 doubled after the 10 % step" />
        <ErrorMessage error={rollback.error} />
      </ConfirmDialog>
    </>
  );
}
