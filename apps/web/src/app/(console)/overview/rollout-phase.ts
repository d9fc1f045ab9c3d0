import type { RouterOutputs } from "@qmc/api";
import { formatPercent } from "~/lib/format";

type Config = RouterOutputs["rollout"]["get"];
type PhaseReport = RouterOutputs["health"]["phase"];

/** The plan's four phases (docs/migration-plan.md), in order. */
export const PHASES = [
  { title: "Parallel implementation", detail: "The new system runs beside legacy; no order goes to it yet." },
  { title: "Feature flag and shadow mode", detail: "Both systems process; results are compared." },
  { title: "Gradual rollout", detail: "A growing share of orders, chosen by a hash of their id." },
  { title: "Legacy removal", detail: "The legacy queue is retired." },
] as const;

const STOPS = [10, 50, 100];

/** The obvious next action, in words, and the page where it is taken. */
export interface NextStep {
  text: string;
  href: "/rollout" | "/migration" | "/health";
  linkText: string;
}

const ROLLOUT = { href: "/rollout", linkText: "Open the rollout" } as const;
const MIGRATION = { href: "/migration", linkText: "Open the migration" } as const;

/**
 * The next step for the phase `health.phase` decided from the config history (so after a rollback
 * it is phase 2, not 1) and the live config: what to do, and the page that does it. Switching on
 * lands at the stored percent, so the words say which.
 */
export function nextStepOf(config: Config, report: Pick<PhaseReport, "phase" | "phases">): NextStep {
  if (config.paused) {
    return {
      text: `Paused by the health guard (${config.pausedReason ?? "a threshold was crossed"}): review the evidence, then acknowledge the pause on the Rollout page before going further.`,
      ...ROLLOUT,
    };
  }
  const percent = config.newQueueRolloutPercent;
  switch (report.phase) {
    case 1:
      return {
        text: "Turn shadow mode on, so the new system runs a copy of every order and both results are compared.",
        ...ROLLOUT,
      };
    case 2: {
      if (config.useNewQueueSystem) {
        return {
          text: "The switch is on at 0 %: every order still goes to legacy. Raise it to 10 %.",
          ...ROLLOUT,
        };
      }
      const lands = `switch the new system on (it starts at ${formatPercent(percent)})${percent < 10 ? " and raise it to 10 %" : ""}`;
      const rolledBack = report.phases.some((p) => p.phase === 3 && p.reached);
      return {
        text: rolledBack
          ? `Rolled back: every order goes to legacy. Once the cause is fixed, ${lands}.`
          : `When shadow results match, ${lands}.`,
        ...ROLLOUT,
      };
    }
    case 3: {
      const next = STOPS.find((stop) => stop > percent);
      return next === undefined
        ? {
            text: "Every new order goes to the new system: migrate the in-flight legacy orders, then retire legacy.",
            ...MIGRATION,
          }
        : {
            text: `At ${formatPercent(percent)}: when error rate and latency hold, raise to ${formatPercent(next)}.`,
            ...ROLLOUT,
          };
    }
    case 4:
      return { text: "Done: legacy is retired and every order runs in the new system.", ...MIGRATION };
  }
}
