"use client";
import { useMutation } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { ActionButton } from "./action-button";
import { ConfirmDialog } from "./confirm-dialog";
import { ErrorMessage } from "./error-message";
import { missingReason, ReasonField } from "./reason-field";
import { type ToastMessage, useToast } from "./toast-provider";

interface ConfirmedActionProps<T> {
  /** The button: says what it does ("Disable ana@example.com"). */
  label: string;
  title: string;
  /** What will happen, repeated in the dialog. */
  effect: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  disabledReason?: string | null;
  /** Ask for a reason (kept in the audit log); off where the API takes none. @defaultValue true */
  askReason?: boolean;
  /** Runs with the reason given; its result becomes the toast (and `onDone`). */
  run: (reason: string) => Promise<T>;
  toastOf: (result: T) => ToastMessage;
  onDone?: (result: T) => void;
}

/** A mutating button that asks for a reason and confirms in a dialog, then says how it went. */
export function ConfirmedAction<T>({
  label,
  title,
  effect,
  confirmLabel,
  tone = "danger",
  disabledReason = null,
  askReason = true,
  run,
  toastOf,
  onDone,
}: ConfirmedActionProps<T>) {
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const action = useMutation({
    mutationFn: (why: string) => run(why),
    onSuccess: (result) => {
      setOpen(false);
      setReason("");
      notify(toastOf(result));
      onDone?.(result);
    },
  });
  return (
    <>
      <ActionButton
        tone={tone === "danger" ? "plain" : "primary"}
        className="button-small"
        disabledReason={disabledReason}
        onClick={() => setOpen(true)}
      >
        {label}
      </ActionButton>
      <ConfirmDialog
        open={open}
        title={title}
        tone={tone}
        confirmLabel={confirmLabel}
        busy={action.isPending}
        confirmDisabledReason={askReason ? missingReason(reason) : null}
        onConfirm={() => action.mutate(reason.trim())}
        onClose={() => {
          setOpen(false);
          action.reset();
        }}
      >
        {effect}
        {askReason && (
          <ReasonField value={reason} onChange={setReason} placeholder="e.g. left the team; ticket OPS-123" />
        )}
        <ErrorMessage error={action.error} />
      </ConfirmDialog>
    </>
  );
}
