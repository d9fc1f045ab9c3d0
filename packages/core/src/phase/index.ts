export { evaluatePhase, phaseSummary } from "./evaluate-phase.ts";
export {
  levelKey,
  minuteWindow,
  phaseOf,
  phaseTimeline,
  phaseWindows,
  switchKey,
  WINDOW_KEYS,
} from "./phase-timeline.ts";
export {
  type ConfigPoint,
  DEFAULT_PHASE_OPTIONS,
  type MeasureWindow,
  PHASE_NAMES,
  type PhaseFacts,
  type PhaseNumber,
  type PhaseOptions,
  type PhaseReport,
  type PhaseSection,
  type PhaseTimeline,
  type RolloutLevel,
  type SwitchRun,
  type TimeSpan,
  type VerificationItem,
  type VerificationStatus,
  type WindowMeasure,
} from "./phase-types.ts";
