import { formatPercent } from "~/lib/format";
import type { RolloutConfig } from "./rollout-values";

export interface ConfigChange {
  field: string;
  before: string;
  after: string;
}

const onOff = (value: boolean) => (value ? "on" : "off");

const FIELDS: Array<{ field: string; show: (c: RolloutConfig) => string }> = [
  { field: "New system", show: (c) => onOff(c.useNewQueueSystem) },
  { field: "Percent", show: (c) => formatPercent(c.newQueueRolloutPercent) },
  { field: "Shadow", show: (c) => onOff(c.shadowMode) },
  { field: "Paused", show: (c) => (c.paused ? `yes (${c.pausedReason ?? "health gate"})` : "no") },
  { field: "Legacy retired", show: (c) => (c.legacyRetired ? "yes" : "no") },
  // Everyone but admins sees null: a change shows, never the salt.
  { field: "Routing salt", show: (c) => (c.salt === null ? "hidden" : c.salt) },
];

/** What a version changed compared with the one before it (before → after, field by field). */
export function changesBetween(before: RolloutConfig | undefined, after: RolloutConfig): ConfigChange[] {
  if (!before) return FIELDS.map(({ field, show }) => ({ field, before: "—", after: show(after) }));
  return FIELDS.filter(({ show }) => show(before) !== show(after)).map(({ field, show }) => ({
    field,
    before: show(before),
    after: show(after),
  }));
}
