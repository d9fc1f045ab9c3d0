"use client";
import { useId } from "react";

export const MAX_REASON_LENGTH = 500;

/** Every change says why; kept with it in the audit log (1 to 500 characters). */
export function ReasonField({
  value,
  onChange,
  label = "Reason (kept in the audit log)",
  placeholder = "e.g. p99 stable for 30 min at 10 %",
}: {
  value: string;
  onChange: (value: string) => void;
  label?: string;
  placeholder?: string;
}) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        maxLength={MAX_REASON_LENGTH}
        rows={2}
        required
        placeholder={placeholder}
        aria-describedby={hintId}
      />
      <span id={hintId} className="hint">
        Required · {value.length} / {MAX_REASON_LENGTH} characters
      </span>
    </div>
  );
}

/** Why an action cannot run yet because its reason is missing; null when the reason is fine. */
export function missingReason(reason: string): string | null {
  return reason.trim().length === 0 ? "Give a reason first: it is kept in the audit log." : null;
}
