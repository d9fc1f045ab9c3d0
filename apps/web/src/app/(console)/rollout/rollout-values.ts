import type { RouterOutputs } from "@qmc/api";
import { formatPercent } from "~/lib/format";

/** Config versions the history table shows. */
export const HISTORY_LIMIT = 50;

export type RolloutConfig = RouterOutputs["rollout"]["get"];

/** What an operator edits on this page. */
export interface RolloutDraft {
  useNewQueueSystem: boolean;
  shadowMode: boolean;
  percent: number;
}

export function draftOf(config: RolloutConfig): RolloutDraft {
  return {
    useNewQueueSystem: config.useNewQueueSystem,
    shadowMode: config.shadowMode,
    percent: config.newQueueRolloutPercent,
  };
}

export function sameDraft(a: RolloutDraft, b: RolloutDraft): boolean {
  return (
    a.useNewQueueSystem === b.useNewQueueSystem && a.shadowMode === b.shadowMode && a.percent === b.percent
  );
}

/** A step towards the new system, which a pause blocks (packages/core planConfigChange). */
export function isRising(live: RolloutDraft, draft: RolloutDraft): boolean {
  return draft.percent > live.percent || (draft.useNewQueueSystem && !live.useNewQueueSystem);
}

/** "new system on · 10 % · shadow on" */
export function describeRouting(values: RolloutDraft): string {
  return `new system ${values.useNewQueueSystem ? "on" : "off"} · ${formatPercent(values.percent)} · shadow ${values.shadowMode ? "on" : "off"}`;
}

/** The apply button's label: what it will do, not "Submit". */
export function applyLabel(live: RolloutDraft, draft: RolloutDraft): string {
  const parts: string[] = [];
  if (draft.useNewQueueSystem !== live.useNewQueueSystem) {
    // Switching on lands at the stored percent: say where, when the percent is not changed too.
    const at =
      draft.useNewQueueSystem && draft.percent === live.percent ? ` at ${formatPercent(draft.percent)}` : "";
    parts.push(draft.useNewQueueSystem ? `switch the new system on${at}` : "switch the new system off");
  }
  if (draft.percent !== live.percent) parts.push(`route ${formatPercent(draft.percent)} to new`);
  if (draft.shadowMode !== live.shadowMode) parts.push(draft.shadowMode ? "shadow on" : "shadow off");
  if (parts.length === 0) return "Apply";
  const text = parts.join(", ");
  return `Apply: ${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** 12.345 → 12.35: the API keeps percentages in 0.01 steps. */
export function roundPercent(value: number): number {
  return Math.min(100, Math.max(0, Math.round(value * 100) / 100));
}
