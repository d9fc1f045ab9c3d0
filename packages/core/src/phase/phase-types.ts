import type { MetricStream } from "../metrics/rollup-accumulator.ts";
import type { StreamWindow } from "../metrics/rollup-window.ts";
import type { ThresholdSetting } from "../threshold-settings.ts";

/** The four phases of the migration plan. */
export type PhaseNumber = 1 | 2 | 3 | 4;

/** The plan's name of each phase. */
export const PHASE_NAMES: Readonly<Record<PhaseNumber, string>> = Object.freeze({
  1: "Parallel implementation",
  2: "Feature flag integration",
  3: "Gradual rollout",
  4: "Legacy removal",
});

/** One version of the live configuration, as far as phases care. */
export interface ConfigPoint {
  version: number;
  /** When the version was written (it is in force from then until the next version). */
  at: Date;
  useNewQueueSystem: boolean;
  shadowMode: boolean;
  /** newQueueRolloutPercent, 0–100. */
  percent: number;
  legacyRetired: boolean;
  paused: boolean;
  actor: string;
}

/** A stretch of time during which a setting held; `open` when it still holds now. */
export interface TimeSpan {
  from: Date;
  to: Date;
  open: boolean;
}

/**
 * A percent above 0 the rollout has held with the switch on (legacy not retired), and every stretch
 * it held, oldest first: after a rollback and a fix, the same percent is held again in a new stretch.
 */
export interface RolloutLevel {
  percent: number;
  stretches: TimeSpan[];
}

/**
 * A stretch with the switch on (legacy not retired), with its percents and what ended it: the
 * switch going off (a rollback), or legacy's retirement (routing then ignores the switch).
 */
export interface SwitchRun extends TimeSpan {
  maxPercent: number;
  minPositivePercent: number | null;
  endedBy: "switch-off" | "retirement" | null;
}

/** What the config history says about the migration, before any metric is read. */
export interface PhaseTimeline {
  current: ConfigPoint;
  phase: PhaseNumber;
  /** When the current phase began (the first version of the trailing run in this phase). */
  phaseSince: Date;
  /** The switch had been on and is off now (legacy not retired): phase 2 after a rollback. */
  rolledBack: boolean;
  /** Before any flag (switch or shadow) was ever on; null when the first version had one on. */
  phase1: TimeSpan | null;
  /** From the first flag on until the rollout first went above 0 % (or now). */
  flags: TimeSpan | null;
  /** When shadow mode first went on: comparisons are counted from then. */
  shadowSince: Date | null;
  /** The latest stretch with shadow mode on. */
  shadowRun: TimeSpan | null;
  /** The latest stretch with the switch on (legacy not retired): the last of `switchRuns`. */
  switchRun: SwitchRun | null;
  /** Every stretch with the switch on (legacy not retired), oldest first. */
  switchRuns: SwitchRun[];
  /** The latest stretch with the switch off after it had been on: a rollback. */
  rollback: TimeSpan | null;
  /** Each percent above 0 the rollout has held, with all its stretches; by first stretch, oldest first. */
  levels: RolloutLevel[];
  /** Since legacy was (last) retired, while it still is. */
  retired: TimeSpan | null;
  /** Every phase the migration has been in at some time (a rollback goes back, it does not erase). */
  reached: PhaseNumber[];
}

/** Every stream's numbers over one window (core `streamWindow` of the window's rollups). */
export type WindowMeasure = Readonly<Record<MetricStream, StreamWindow>>;

/** A window the reader must measure: whole minutes, `[from, to)`. */
export interface MeasureWindow {
  key: string;
  from: Date;
  to: Date;
}

export type VerificationStatus = "pass" | "fail" | "pending";

/** One "Verification" item of the plan, judged from live data. */
export interface VerificationItem {
  id: string;
  /** Worded as the plan words it. */
  title: string;
  /** pending: not enough data yet, not reached, or not measurable from live data (grey). */
  status: VerificationStatus;
  /** False for items that live data cannot show (tests, documentation): always pending. */
  live: boolean;
  /** Sentences with the numbers the status rests on. */
  evidence: string[];
}

export interface PhaseSection {
  phase: PhaseNumber;
  name: string;
  state: "done" | "current" | "upcoming";
  /** The migration has been in this phase at some time: an upcoming phase after a rollback was. */
  reached: boolean;
  items: VerificationItem[];
}

export interface PhaseReport {
  phase: PhaseNumber;
  name: string;
  since: Date;
  /** One sentence: where the migration stands. */
  summary: string;
  config: Pick<
    ConfigPoint,
    "version" | "useNewQueueSystem" | "shadowMode" | "percent" | "legacyRetired" | "paused"
  >;
  phases: PhaseSection[];
  evaluatedAt: Date;
}

/** Knobs of the verification, with the defaults the README documents. */
export interface PhaseOptions {
  /** The observed share may differ from the setting by this many binomial σ. @defaultValue 4 */
  shareSigmas: number;
  /** Orders (new + legacy) a level needs before its share is judged. @defaultValue 100 */
  minShareSample: number;
  /** Rollups older than this are pruned: windows ending before it have no data. @defaultValue 30 */
  retentionDays: number;
}

export const DEFAULT_PHASE_OPTIONS: Readonly<PhaseOptions> = Object.freeze({
  shareSigmas: 4,
  minShareSample: 100,
  retentionDays: 30,
});

/** Everything the phase verdict rests on, gathered by the engine's reader. */
export interface PhaseFacts {
  now: Date;
  /** Every config version (any order). */
  history: readonly ConfigPoint[];
  /** Numbers of each window `phaseWindows` asked for, by key; a missing key reads as no data. */
  measures: Readonly<Record<string, WindowMeasure>>;
  /** Shadow comparisons since `timeline.shadowSince` (null when shadow mode was never on). */
  comparisons: { compared: number; matched: number } | null;
  /** Current threshold settings; the core defaults stand in for missing ones. */
  thresholds?: readonly ThresholdSetting[];
  options?: Partial<PhaseOptions>;
}
