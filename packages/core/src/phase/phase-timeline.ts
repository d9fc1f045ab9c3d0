import type {
  ConfigPoint,
  MeasureWindow,
  PhaseNumber,
  PhaseTimeline,
  RolloutLevel,
  SwitchRun,
  TimeSpan,
} from "./phase-types.ts";

const MINUTE_MS = 60_000;

/** One config version and the time it was in force. */
interface Segment extends TimeSpan {
  config: ConfigPoint;
}

/**
 * The phase a version puts the migration in (the README's "Migration phases"):
 * 4 when legacy is retired; 3 when the switch is on above 0 %; 2 when shadow mode is on, the
 * switch is on at 0 %, or a flag was on before and both are off now (after a rollback);
 * 1 when no flag has ever been on.
 */
export function phaseOf(config: ConfigPoint, flagUsedBefore: boolean): PhaseNumber {
  if (config.legacyRetired) return 4;
  if (config.useNewQueueSystem && config.percent > 0) return 3;
  if (config.useNewQueueSystem || config.shadowMode || flagUsedBefore) return 2;
  return 1;
}

function segmentsOf(history: readonly ConfigPoint[], now: Date): Segment[] {
  const sorted = [...history].sort((a, b) => a.version - b.version);
  let floor = Number.NEGATIVE_INFINITY;
  return sorted.map((config, i) => {
    // A clock stepping back between two writes must not make a version end before it starts.
    const from = Math.max(config.at.getTime(), floor);
    floor = from;
    const next = sorted[i + 1];
    const open = next === undefined;
    const to = open ? Math.max(now.getTime(), from) : Math.max(next.at.getTime(), from);
    return { config, from: new Date(from), to: new Date(to), open };
  });
}

/** Every maximal run of consecutive versions that meet `holds`, oldest first, with its versions. */
function runsOf(segments: readonly Segment[], holds: (s: Segment) => boolean): Segment[][] {
  const runs: Segment[][] = [];
  let current: Segment[] | null = null;
  for (const s of segments) {
    if (!holds(s)) {
      current = null;
      continue;
    }
    if (current) current.push(s);
    else {
      current = [s];
      runs.push(current);
    }
  }
  return runs;
}

const spanOf = (run: readonly Segment[]): TimeSpan => {
  const end = run[run.length - 1] as Segment;
  return { from: (run[0] as Segment).from, to: end.to, open: end.open };
};

function allRuns(segments: readonly Segment[], holds: (s: Segment) => boolean): TimeSpan[] {
  return runsOf(segments, holds).map(spanOf);
}

/** A run of switch-on versions with its percents, and what came after it. */
function switchRunOf(segments: readonly Segment[], run: readonly Segment[]): SwitchRun {
  const after = segments[segments.indexOf(run[run.length - 1] as Segment) + 1];
  const percents = run.map((s) => s.config.percent);
  return {
    ...spanOf(run),
    maxPercent: Math.max(...percents),
    minPositivePercent: percents.filter((p) => p > 0).sort((a, b) => a - b)[0] ?? null,
    endedBy: !after ? null : after.config.legacyRetired ? "retirement" : "switch-off",
  };
}

/** The latest maximal run of consecutive versions that meet `holds`. */
function latestRun(segments: readonly Segment[], holds: (s: Segment, i: number) => boolean) {
  let last = -1;
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i];
    if (s && holds(s, i)) {
      last = i;
      break;
    }
  }
  if (last < 0) return null;
  let first = last;
  for (let i = last - 1; i >= 0; i--) {
    const s = segments[i];
    if (!s || !holds(s, i)) break;
    first = i;
  }
  const run = segments.slice(first, last + 1);
  const end = run[run.length - 1] as Segment;
  return { from: (run[0] as Segment).from, to: end.to, open: end.open, run };
}

const flagOn = (c: ConfigPoint) => c.useNewQueueSystem || c.shadowMode || c.legacyRetired;
const switchOn = (c: ConfigPoint) => c.useNewQueueSystem && !c.legacyRetired;

/** Reads the config history: the current phase and the stretches each verification item looks at. */
export function phaseTimeline(history: readonly ConfigPoint[], now: Date): PhaseTimeline {
  const segments = segmentsOf(history, now);
  const last = segments[segments.length - 1];
  if (!last) throw new RangeError("the config history is empty: there is always a first version");
  const firstFlag = segments.findIndex((s) => flagOn(s.config));
  const firstSwitch = segments.findIndex((s) => s.config.useNewQueueSystem);
  const firstRollout = segments.findIndex((s) => s.config.useNewQueueSystem && s.config.percent > 0);
  const firstShadow = segments.findIndex((s) => s.config.shadowMode);
  const at = (i: number) => (segments[i] as Segment).from;

  const phases = segments.map((s, i) => phaseOf(s.config, firstFlag >= 0 && firstFlag <= i));
  const phase = phases[phases.length - 1] as PhaseNumber;
  let since = segments.length - 1;
  while (since > 0 && phases[since - 1] === phase) since--;

  const span = (from: Date, end: number): TimeSpan =>
    end < 0 ? { from, to: last.to, open: true } : { from, to: at(end), open: false };

  const switchRuns = runsOf(segments, (s) => switchOn(s.config)).map((run) => switchRunOf(segments, run));
  const percents = [...new Set(segments.filter((s) => switchOn(s.config)).map((s) => s.config.percent))];
  const levels: RolloutLevel[] = percents
    .filter((p) => p > 0)
    .map((percent) => ({
      percent,
      stretches: allRuns(segments, (s) => switchOn(s.config) && s.config.percent === percent),
    }))
    .sort(
      (a, b) =>
        (a.stretches[0]?.from.getTime() ?? 0) - (b.stretches[0]?.from.getTime() ?? 0) ||
        a.percent - b.percent,
    );
  const rollback =
    firstSwitch < 0
      ? null
      : latestRun(
          segments,
          (s, i) => i > firstSwitch && !s.config.useNewQueueSystem && !s.config.legacyRetired,
        );
  const retired = last.config.legacyRetired ? latestRun(segments, (s) => s.config.legacyRetired) : null;
  const shadowRun = latestRun(segments, (s) => s.config.shadowMode);
  const strip = (r: { from: Date; to: Date; open: boolean } | null): TimeSpan | null =>
    r ? { from: r.from, to: r.to, open: r.open } : null;

  return {
    current: last.config,
    phase,
    phaseSince: at(since),
    rolledBack: !last.config.legacyRetired && !last.config.useNewQueueSystem && firstSwitch >= 0,
    phase1: firstFlag === 0 ? null : span(at(0), firstFlag),
    flags: firstFlag < 0 ? null : span(at(firstFlag), firstRollout),
    shadowSince: firstShadow < 0 ? null : at(firstShadow),
    shadowRun: strip(shadowRun),
    switchRun: switchRuns[switchRuns.length - 1] ?? null,
    switchRuns,
    rollback: strip(rollback),
    levels,
    retired: strip(retired),
    reached: [...new Set(phases)].sort((a, b) => a - b),
  };
}

const floorMinute = (ms: number) => ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);

/**
 * The whole minutes of a span, as rollups count them: the minute a change happened in is left out
 * (its orders saw both settings); a span still open runs to `now`, its current minute included.
 * Null when the span holds no whole minute yet.
 */
export function minuteWindow(span: TimeSpan, now: Date): { from: Date; to: Date } | null {
  const fromMs = span.from.getTime();
  const from = floorMinute(fromMs) === fromMs ? fromMs : floorMinute(fromMs) + MINUTE_MS;
  const to = span.open ? now.getTime() : floorMinute(span.to.getTime());
  return to > from ? { from: new Date(from), to: new Date(to) } : null;
}

/** Window keys the verification reads (`levelKey(percent)` for each level). */
export const WINDOW_KEYS = {
  phase1: "phase1",
  flags: "flags",
  shadow: "shadow",
  switch: "switch",
  rollback: "rollback",
  retired: "retired",
} as const;

/** The window key of an earlier switch-on stretch (`index` counts them, oldest first). */
export const switchKey = (index: number) => `switch:${index}`;

/** The window key of a level's stretch (`index` counts its stretches, oldest first). */
export const levelKey = (percent: number, index = 0) => `level:${percent}:${index}`;

/** The windows the engine must measure (rollup sums per stream) before `evaluatePhase`. */
export function phaseWindows(timeline: PhaseTimeline, now: Date): MeasureWindow[] {
  const spans: Array<[string, TimeSpan | null]> = [
    [WINDOW_KEYS.phase1, timeline.phase1],
    [WINDOW_KEYS.flags, timeline.flags],
    [WINDOW_KEYS.shadow, timeline.shadowRun],
    [WINDOW_KEYS.switch, timeline.switchRun],
    // Earlier switch-on stretches: the flag item keeps their verdict when the latest is too short.
    ...timeline.switchRuns.slice(0, -1).map((run, i): [string, TimeSpan] => [switchKey(i), run]),
    [WINDOW_KEYS.rollback, timeline.rollback],
    [WINDOW_KEYS.retired, timeline.retired],
    ...timeline.levels.flatMap((l) =>
      l.stretches.map((stretch, i): [string, TimeSpan] => [levelKey(l.percent, i), stretch]),
    ),
  ];
  return spans.flatMap(([key, span]) => {
    const window = span ? minuteWindow(span, now) : null;
    return window ? [{ key, ...window }] : [];
  });
}
