import type { ReactNode } from "react";

/** green healthy/complete, amber attention/paused, red failed/alert, grey unknown (CONSOLE.md). */
export type StatusTone = "ok" | "warn" | "bad" | "unknown";

const ICON: Record<StatusTone, string> = { ok: "●", warn: "▲", bad: "✕", unknown: "○" };

/** A status as colour, icon and word together: colour is never the only signal. */
export function StatusBadge({ tone, children }: { tone: StatusTone; children: ReactNode }) {
  return (
    <span className={`badge badge-${tone}`}>
      <span aria-hidden="true">{ICON[tone]}</span> {children}
    </span>
  );
}
