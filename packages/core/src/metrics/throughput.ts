const MINUTE_MS = 60_000;

const floorMinute = (ms: number) => ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);

/** Finished orders per minute over the part of a window that can hold data. */
export interface Throughput {
  /** finished ÷ minutes: completed + failed orders; cancellations are counted apart, never here. */
  perMinute: number;
  /** Where the averaging starts: the window's first minute, or the first minute with any rollup. */
  from: Date;
  to: Date;
  /** Minutes averaged over (at least 1: a first minute still running counts as one). */
  minutes: number;
  /** The window reaches back before the first rollup minute and was cut to it. */
  clipped: boolean;
}

/**
 * The one definition of throughput every table and chart uses: orders that finished (completed or
 * failed) per minute of the window. A window counts the rollup minutes starting in it, so it runs
 * from the minute `from` falls in to `to`; when it reaches back before the first rollup minute
 * (`firstDataAt`: before any order existed), it is averaged from that minute instead, so a 24-hour
 * window over 20 minutes of traffic shows the rate of those 20 minutes, and says so (`clipped`).
 */
export function throughputOf(
  finished: number,
  window: { from: Date; to: Date },
  firstDataAt: Date | null = null,
): Throughput {
  const windowFrom = floorMinute(window.from.getTime());
  const firstData = firstDataAt === null ? null : floorMinute(firstDataAt.getTime());
  const clipped = firstData !== null && firstData > windowFrom && firstData < window.to.getTime();
  const from = clipped && firstData !== null ? firstData : windowFrom;
  const minutes = Math.max(1, (window.to.getTime() - from) / MINUTE_MS);
  return { perMinute: finished / minutes, from: new Date(from), to: window.to, minutes, clipped };
}
