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
];

/** The salt decides every order's bucket: the history says it changed, never what it is. */
function saltChange(before: RolloutConfig | undefined, after: RolloutConfig): ConfigChange[] {
  if (after.salt === null) return []; // not an admin: the API hides it
  if (!before) return [{ field: "Routing salt", before: "—", after: "set" }];
  return before.salt !== after.salt ? [{ field: "Routing salt", before: "previous", after: "rotated" }] : [];
}

/** What a version changed compared with the one before it (before → after, field by field). */
export function changesBetween(before: RolloutConfig | undefined, after: RolloutConfig): ConfigChange[] {
  if (!before) {
    return [
      ...FIELDS.map(({ field, show }) => ({ field, before: "—", after: show(after) })),
      ...saltChange(before, after),
    ];
  }
  const changed = FIELDS.filter(({ show }) => show(before) !== show(after)).map(({ field, show }) => ({
    field,
    before: show(before),
    after: show(after),
  }));
  return [...changed, ...saltChange(before, after)];
}
