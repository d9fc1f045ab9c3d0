"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ActionButton } from "~/components/action-button";
import { ConfirmDialog } from "~/components/confirm-dialog";
import { ErrorMessage } from "~/components/error-message";
import { missingReason, ReasonField } from "~/components/reason-field";
import { useToast } from "~/components/toast-provider";
import { useTRPC } from "~/trpc/react";

function newKey(): string {
  return `console-resubmit-${crypto.randomUUID()}`;
}

/**
 * One order again from this entry. The idempotency key belongs to the click target: it is made
 * when the dialog opens and reused by every confirm inside it, so a double click (or a retried
 * request) makes one order and answers with it.
 */
export function ResubmitButton({ auditEventId, subjectId }: { auditEventId: string; subjectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [key, setKey] = useState(newKey);
  const resubmit = useMutation(
    trpc.audit.resubmit.mutationOptions({
      onSuccess: async (result) => {
        setOpen(false);
        setReason("");
        notify({
          title: result.duplicate ? "Already resubmitted: the same order" : "Order resubmitted",
          description: `${result.id} (to ${result.system === "NEW" ? "the new system" : "legacy"}), from ${result.resubmittedFromId}`,
          link: { href: `/work-orders/${encodeURIComponent(result.id)}`, label: "Open the new order" },
        });
        await queryClient.invalidateQueries({ queryKey: trpc.audit.find.queryKey() });
      },
    }),
  );
  return (
    <>
      <ActionButton
        className="button-small"
        aria-label={`Resubmit ${subjectId}`}
        onClick={() => {
          setKey(newKey());
          resubmit.reset();
          setOpen(true);
        }}
      >
        Resubmit
      </ActionButton>
      <ConfirmDialog
        open={open}
        title="Resubmit this order?"
        tone="primary"
        confirmLabel="Resubmit 1 order"
        busy={resubmit.isPending}
        confirmDisabledReason={missingReason(reason)}
        onConfirm={() => resubmit.mutate({ auditEventId, idempotencyKey: key, reason: reason.trim() })}
        onClose={() => {
          setOpen(false);
          resubmit.reset();
        }}
      >
        <p>
          A new order with the same kind, payload and priority as <span className="mono">{subjectId}</span> is
          submitted and routed by the live rollout. It links back to the original. Confirming twice makes one
          order.
        </p>
        <ReasonField value={reason} onChange={setReason} placeholder="e.g. failed during the Redis outage" />
        <ErrorMessage error={resubmit.error} />
      </ConfirmDialog>
    </>
  );
}
