"use client";
import { type ButtonHTMLAttributes, useId } from "react";

interface ActionButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, "disabled"> {
  /** Why it cannot be used now (pause, precondition, nothing to apply); null when it can. */
  disabledReason?: string | null;
  busy?: boolean;
  tone?: "primary" | "danger" | "plain";
}

/**
 * A button that says why it is disabled: on hover (title) and to assistive technology
 * (aria-describedby), and it stays focusable so keyboard users reach the reason too.
 */
export function ActionButton({
  disabledReason,
  busy = false,
  tone = "plain",
  className,
  onClick,
  children,
  ...rest
}: ActionButtonProps) {
  const reasonId = useId();
  const disabled = Boolean(disabledReason) || busy;
  return (
    <>
      <button
        {...rest}
        className={`button button-${tone}${className ? ` ${className}` : ""}`}
        aria-disabled={disabled || undefined}
        aria-busy={busy || undefined}
        aria-describedby={disabledReason ? reasonId : rest["aria-describedby"]}
        title={disabledReason ?? rest.title}
        onClick={(event) => {
          if (disabled) {
            event.preventDefault();
            return;
          }
          onClick?.(event);
        }}
      >
        {children}
      </button>
      {disabledReason && (
        <span id={reasonId} className="visually-hidden">
          {disabledReason}
        </span>
      )}
    </>
  );
}
