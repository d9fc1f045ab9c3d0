/** The observable result of one execution, as compared between legacy and its shadow. */
export interface ExecutionOutcome {
  state: "COMPLETED" | "FAILED" | "CANCELLED";
  exitCode: number | null;
  /** Digest of the captured output (e.g. sha256 hex); null when there was no output. */
  outputDigest: string | null;
  durationMs: number;
}

/** Compared fields, in the order differences are reported. */
export const COMPARED_FIELDS = ["state", "exitCode", "outputDigest", "durationMs"] as const;

/** A field of {@link ExecutionOutcome} that is compared. */
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** One mismatch, with both values, for the shadow-mismatch list. */
export interface OutcomeDifference {
  field: ComparedField;
  legacy: unknown;
  shadow: unknown;
}

/** Result of comparing a legacy outcome with its shadow. */
export type OutcomeComparison = { equal: true } | { equal: false; differences: OutcomeDifference[] };

/**
 * How far two durations may drift and still count as equal: they differ by no more than
 * max(absoluteMs, ratio × the larger). Two systems never take exactly the same time, and on short
 * runs scheduling noise dominates, hence the absolute floor.
 */
export interface DurationTolerance {
  ratio: number;
  absoluteMs: number;
}

/** Durations within 250 ms, or within half of the longer one, are equal. */
export const DEFAULT_DURATION_TOLERANCE: Readonly<DurationTolerance> = Object.freeze({
  ratio: 0.5,
  absoluteMs: 250,
});

/** True when two durations are equal within `tolerance` (inclusive at the edge). */
export function durationsMatch(
  a: number,
  b: number,
  tolerance: DurationTolerance = DEFAULT_DURATION_TOLERANCE,
): boolean {
  const allowed = Math.max(tolerance.absoluteMs, tolerance.ratio * Math.max(a, b));
  return Math.abs(a - b) <= allowed;
}

/**
 * Compares a legacy outcome (authoritative) with its shadow run. State, exit code and output digest
 * must be identical; durations are equal within `tolerance`. Pure: the caller stores the result.
 */
export function compareOutcomes(
  legacy: ExecutionOutcome,
  shadow: ExecutionOutcome,
  tolerance: DurationTolerance = DEFAULT_DURATION_TOLERANCE,
): OutcomeComparison {
  const differences: OutcomeDifference[] = [];
  for (const field of COMPARED_FIELDS) {
    const same =
      field === "durationMs"
        ? durationsMatch(legacy.durationMs, shadow.durationMs, tolerance)
        : legacy[field] === shadow[field];
    if (!same) differences.push({ field, legacy: legacy[field], shadow: shadow[field] });
  }
  return differences.length === 0 ? { equal: true } : { equal: false, differences };
}
