import type { RouterOutputs } from "@qmc/api";
import { formatPercent } from "~/lib/format";

type Config = RouterOutputs["rollout"]["get"];

/** The plan's four phases (spec/migration-plan.md), in order. */
export const PHASES = [
  { title: "Parallel implementation", detail: "The new system runs beside legacy; no order goes to it yet." },
  { title: "Feature flag and shadow mode", detail: "Both systems process; results are compared." },
  { title: "Gradual rollout", detail: "A growing share of orders, chosen by a hash of their id." },
  { title: "Legacy removal", detail: "The legacy queue is retired." },
] as const;

const STOPS = [10, 50, 100];

/** Which phase the live routing config puts us in (1–4), read from the config alone. */
export function phaseOf(config: Config): 1 | 2 | 3 | 4 {
  if (config.legacyRetired) return 4;
  if (config.useNewQueueSystem && config.newQueueRolloutPercent > 0) return 3;
  if (config.shadowMode || config.useNewQueueSystem) return 2;
  return 1;
}

/** The obvious next action for this state, in words. */
export function nextStepOf(config: Config): string {
  if (config.paused) {
    return `Paused by the health guard (${config.pausedReason ?? "a threshold was crossed"}): review the evidence, then acknowledge the pause on the Rollout page before going further.`;
  }
  switch (phaseOf(config)) {
    case 1:
      return "Turn shadow mode on, so the new system runs a copy of every order and both results are compared.";
    case 2:
      return "When shadow results match, switch the new system on at 10 %.";
    case 3: {
      const next = STOPS.find((stop) => stop > config.newQueueRolloutPercent);
      return next === undefined
        ? "All orders go to the new system: migrate the in-flight legacy orders, then retire legacy."
        : `At ${formatPercent(config.newQueueRolloutPercent)}: when error rate and latency hold, raise to ${formatPercent(next)}.`;
    }
    case 4:
      return "Done: legacy is retired and every order runs in the new system.";
  }
}
