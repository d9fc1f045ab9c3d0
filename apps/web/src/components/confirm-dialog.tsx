"use client";
import { type FormEvent, type ReactNode, useEffect, useId, useRef } from "react";
import { ActionButton } from "./action-button";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What will happen, with counts and the current state: the person confirms this, not "are you sure". */
  children: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  busy?: boolean;
  /** Why confirming is not possible yet (e.g. no reason given). */
  confirmDisabledReason?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * The platform's modal <dialog>: focus moves into it and back to the opener, the rest of the page
 * is inert, Escape cancels. No library (and no injected styles under the strict CSP).
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  tone = "danger",
  busy = false,
  confirmDisabledReason = null,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy && !confirmDisabledReason) onConfirm();
  };
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <form method="dialog" onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">
          <button type="button" className="button button-plain" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <ActionButton type="submit" tone={tone} busy={busy} disabledReason={confirmDisabledReason}>
            {busy ? "Working…" : confirmLabel}
          </ActionButton>
        </div>
      </form>
    </dialog>
  );
}
