import type { MetricStream, OrderMetricEvent, QueueSystem } from "@qmc/core";

/**
 * Where the engine reports what happens to orders (RollupWriter). `record` is synchronous and
 * in-memory: the hot path calls it without awaiting anything and it never throws.
 */
export interface OrderMetrics {
  record(stream: MetricStream, event: OrderMetricEvent, at?: Date | number): void;
}

/** The stream an order of the new system counts in: its shadows apart from its real orders. */
export function newSystemStream(role: string): MetricStream {
  return role === "SHADOW" ? "SHADOW" : "NEW";
}

/**
 * Counts a claim that landed. Queue wait: from when the order was due — its retry time for a
 * retry (read before RETRY cleared it), else its submission — to the attempt's start.
 */
export function recordStarted(
  metrics: OrderMetrics | undefined,
  order: { role: string; createdAt: Date; nextRetryAt: Date | null },
  startedAt: Date,
  retryDueAt: Date | null,
): void {
  const queuedSince = retryDueAt ?? order.nextRetryAt ?? order.createdAt;
  metrics?.record(newSystemStream(order.role), {
    type: "started",
    queueWaitMs: startedAt.getTime() - queuedSince.getTime(),
  });
}

/** What a new-system write tells the metrics, from the transition the executor just landed. */
export interface LandedWrite {
  order: { role: string; createdAt: Date };
  event: string;
  failOutcome?: "retry" | "fail" | undefined;
  /** The attempt row written with it (JSON): its durationMs is the run time. */
  attemptRow?: Record<string, unknown> | undefined;
}

/**
 * Counts a landed COMPLETE / CANCEL / FAIL (terminal, or retried when the retry decision chose
 * it); other events (RETRY, CLAIM) count nothing here.
 */
export function recordLandedWrite(metrics: OrderMetrics | undefined, write: LandedWrite): void {
  if (!metrics) return;
  const type =
    write.event === "COMPLETE"
      ? "completed"
      : write.event === "CANCEL"
        ? "cancelled"
        : write.event === "FAIL"
          ? write.failOutcome === "retry"
            ? "retried"
            : "failed"
          : null;
  if (type === null) return;
  const now = Date.now();
  const duration = write.attemptRow?.durationMs;
  const runTimeMs = typeof duration === "number" ? duration : null;
  const stream = newSystemStream(write.order.role);
  if (type === "retried") metrics.record(stream, { type, runTimeMs }, now);
  else metrics.record(stream, { type, runTimeMs, endToEndMs: now - write.order.createdAt.getTime() }, now);
}

/** Counts each order of a committed submit batch in its stream (shadow copies as SHADOW). */
export function recordSubmitted(
  metrics: OrderMetrics | undefined,
  requests: ReadonlyArray<{ system: QueueSystem; role?: "PRIMARY" | "SHADOW" | undefined }>,
): void {
  if (!metrics) return;
  const now = Date.now();
  for (const request of requests) {
    const stream = request.system === "LEGACY" ? "LEGACY" : newSystemStream(request.role ?? "PRIMARY");
    metrics.record(stream, { type: "submitted" }, now);
  }
}

/** Counts a legacy order's final status (legacy has no retries: failed is final). */
export function recordLegacyFinish(
  metrics: OrderMetrics | undefined,
  status: "completed" | "failed",
  attemptRow: { durationMs?: number | null | undefined },
  submittedAt: Date,
): void {
  if (!metrics) return;
  const now = Date.now();
  const runTimeMs = attemptRow.durationMs ?? null;
  metrics.record("LEGACY", { type: status, runTimeMs, endToEndMs: now - submittedAt.getTime() }, now);
}
