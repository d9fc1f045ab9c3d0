import { at } from "./evidence.ts";
import { phaseTimeline } from "./phase-timeline.ts";
import {
  PHASE_NAMES,
  type PhaseFacts,
  type PhaseNumber,
  type PhaseReport,
  type PhaseSection,
  type PhaseTimeline,
} from "./phase-types.ts";
import { verificationContext } from "./verification-context.ts";
import {
  flagSwitchesSystems,
  noBehaviorChange,
  noRegression,
  shadowLogsDifferences,
  testItems,
} from "./verify-flags.ts";
import { documentationUpdated, noOrphanedCode, worksWithoutFlags } from "./verify-retirement.ts";
import { metricsComparable, noDegradationPerLevel, rolloutPercentRespected } from "./verify-rollout.ts";

/** Where the migration stands, in one sentence, from the config history alone. */
export function phaseSummary(t: PhaseTimeline): string {
  const c = t.current;
  const head = `Phase ${t.phase}, ${PHASE_NAMES[t.phase].toLowerCase()}`;
  const shadow = c.shadowMode ? "; shadow mode is on" : "";
  switch (t.phase) {
    case 4:
      return `${head}: legacy was retired at ${at(t.retired?.from ?? t.phaseSince)}; every order goes to the new system.`;
    case 3: {
      const level = t.levels.map((l) => l.stretches.at(-1)).find((stretch) => stretch?.open);
      const paused = c.paused ? "; increases are paused by a health gate" : "";
      return `${head}: the switch is on at ${c.percent} % since ${at(level?.from ?? t.phaseSince)}${paused}${shadow}.`;
    }
    case 2:
      if (t.rolledBack) {
        return `${head}: rolled back at ${at(t.rollback?.from ?? t.phaseSince)}; the switch is off and every order goes to legacy${shadow}.`;
      }
      if (c.useNewQueueSystem) {
        return `${head}: the switch is on at 0 %, so every order still goes to legacy${shadow}.`;
      }
      return `${head}: shadow mode is on since ${at(t.shadowRun?.from ?? t.phaseSince)}; the switch is off.`;
    default:
      return `${head}: no flag has ever been on; every order goes to legacy.`;
  }
}

/**
 * Which phase of the plan the migration is in, and every phase's Verification items judged from
 * the facts: pass, fail, or pending (not enough data, not reached, or not live-measurable).
 */
export function evaluatePhase(facts: PhaseFacts): PhaseReport {
  const timeline = phaseTimeline(facts.history, facts.now);
  const ctx = verificationContext(facts, timeline);
  const items: Record<PhaseNumber, PhaseSection["items"]> = {
    1: [...testItems(), noBehaviorChange(ctx)],
    2: [flagSwitchesSystems(ctx), shadowLogsDifferences(ctx), noRegression(ctx)],
    3: [rolloutPercentRespected(ctx), metricsComparable(ctx), noDegradationPerLevel(ctx)],
    4: [worksWithoutFlags(ctx), noOrphanedCode(ctx), documentationUpdated()],
  };
  const phases = ([1, 2, 3, 4] as const).map(
    (phase): PhaseSection => ({
      phase,
      name: PHASE_NAMES[phase],
      state: phase < timeline.phase ? "done" : phase === timeline.phase ? "current" : "upcoming",
      reached: timeline.reached.includes(phase),
      items: items[phase],
    }),
  );
  const c = timeline.current;
  return {
    phase: timeline.phase,
    name: PHASE_NAMES[timeline.phase],
    since: timeline.phaseSince,
    summary: phaseSummary(timeline),
    config: {
      version: c.version,
      useNewQueueSystem: c.useNewQueueSystem,
      shadowMode: c.shadowMode,
      percent: c.percent,
      legacyRetired: c.legacyRetired,
      paused: c.paused,
    },
    phases,
    evaluatedAt: facts.now,
  };
}
