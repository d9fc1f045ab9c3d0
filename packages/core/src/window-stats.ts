/**
 * Statistics of one sliding window, gathered by the caller (metrics rollups) and evaluated by
 * `evaluateThresholds`. Counts are orders that finished inside the window.
 */
export interface WindowStats {
  /** Length of the window these numbers cover. */
  windowSeconds: number;
  newSystem: { finished: number; failed: number; p99LatencyMs: number | null };
  legacy: {
    finished: number;
    p99LatencyMs: number | null;
    /**
     * The last earlier legacy window (same length) with the P99 rule's minimum sample, read only
     * when this window lacks it: at 100 % legacy finishes nothing, and the rule compares with the
     * latency legacy last showed instead of staying "not enough data" for good.
     */
    baseline?: LegacyP99Baseline | null;
  };
  /** Queue depth of the new system sampled over the window (any order; sorted on use). */
  queueDepth: { samples: Array<{ at: Date; depth: number }> };
  /** Latest reading per live worker; `concurrencyReduced` is whether a reduction is in force. */
  workers: Array<{ workerId: string; memoryUsedRatio: number; concurrencyReduced: boolean }>;
}

/** Legacy's p99 over an earlier window that had the minimum sample of finished orders. */
export interface LegacyP99Baseline {
  p99LatencyMs: number;
  finished: number;
  from: Date;
  to: Date;
  /** Seconds from the baseline window's end to the evaluation. */
  ageSeconds: number;
}

/** A least-squares growth estimate of the queue depth. */
export interface DepthTrend {
  /** Slope in orders per minute (negative when the queue shrinks). */
  perMinute: number;
  /** Samples used (finite depth, valid time). */
  samples: number;
  /** Time between the first and the last sample used. */
  spanSeconds: number;
}

/**
 * Growth of the queue depth per minute as the least-squares slope through the samples; a single
 * spike at either end moves it less than a first-to-last difference would. Null with fewer than
 * two usable samples or when they all share one timestamp.
 */
export function queueDepthTrend(samples: ReadonlyArray<{ at: Date; depth: number }>): DepthTrend | null {
  const points = samples
    .filter((s) => Number.isFinite(s.at.getTime()) && Number.isFinite(s.depth))
    .map((s) => ({ t: s.at.getTime(), depth: s.depth }))
    .sort((a, b) => a.t - b.t);
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined || points.length < 2) return null;
  const xs = points.map((p) => (p.t - first.t) / 60_000);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = points.reduce((a, p) => a + p.depth, 0) / points.length;
  let num = 0;
  let den = 0;
  points.forEach((p, i) => {
    const dx = (xs[i] ?? 0) - meanX;
    num += dx * (p.depth - meanY);
    den += dx * dx;
  });
  if (den === 0) return null;
  return { perMinute: num / den, samples: points.length, spanSeconds: (last.t - first.t) / 1000 };
}
