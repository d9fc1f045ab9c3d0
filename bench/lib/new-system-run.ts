import { WorkOrderSubmitter } from "@qmc/engine";
import { RollupWriter } from "@qmc/engine/metrics";
import { createEngineHarness, type EngineHarness, TEST_COMMAND_POLICY } from "@qmc/engine/testing";
import { type CpuSample, cpuPerItem, sampleCpu } from "./cpu.ts";

export const SERVERS = ["postgres", "redis-server"] as const;

export interface Measured {
  perSecond: number;
  cpu: ReturnType<typeof cpuPerItem>;
}

export interface NewSystemRun {
  orders: number;
  concurrency: number;
  /** Orders per submit call. */
  batch: number;
  /** Counts every submit, start and outcome in rollups flushed every `flushMs` (as processes do). */
  metricsFlushMs?: number;
  /** Called right before and right after the timed part, with the run's own database and queues. */
  around?: { before(h: EngineHarness): Promise<void>; after(h: EngineHarness): Promise<void> };
}

/** Times `run` and bills the CPU it took (this process, Postgres, Redis) per item. */
export async function timed(items: number, run: () => Promise<void>): Promise<Measured> {
  const before: CpuSample = sampleCpu(SERVERS);
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: items / seconds, cpu: cpuPerItem(before, sampleCpu(SERVERS), items) };
}

/**
 * The whole product path for `orders` no-op synthetic orders, on a database and queue prefix of
 * its own: submitted in batches (order, SUBMIT transition and audit event in Postgres, job in
 * Redis), pulled by the scheduler (`concurrency` slots) and run to COMPLETED with every
 * transition and the attempt row persisted. Checks that every order finished with its history.
 */
export async function newSystemEndToEnd(options: NewSystemRun): Promise<Measured> {
  const { orders, concurrency, batch } = options;
  const h: EngineHarness = await createEngineHarness("bench", 20);
  const { logger } = h.resources;
  const metrics =
    options.metricsFlushMs === undefined
      ? undefined
      : new RollupWriter(h.db.prisma, { source: "worker:bench", flushMs: options.metricsFlushMs, logger });
  const submitter = new WorkOrderSubmitter(h.db.prisma, h.queues, TEST_COMMAND_POLICY, logger, {
    maxQueueDepth: 10_000,
    ...(metrics ? { metrics } : {}),
  });
  try {
    await metrics?.start();
    await h.startEngine(
      { systems: ["NEW"], newSystemSlots: concurrency, reconcileIntervalMs: 60_000 },
      metrics ? { metrics } : {},
    );
    await options.around?.before(h);
    const result = await timed(orders, async () => {
      for (let i = 0; i < orders; i += batch) await submitWithBackoff(submitter, Math.min(batch, orders - i));
      // Watched in Redis, not by counting rows: a count every few milliseconds would bill
      // Postgres for the benchmark's own polling. A job leaves Redis only after its order's
      // finishing write committed, so an empty queue means every order is done in Postgres.
      for (;;) {
        const counts = await h.queues.newSystem.getJobCounts("wait", "prioritized", "active", "delayed");
        if (Object.values(counts).every((count) => count === 0)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await metrics?.stop();
    });
    await options.around?.after(h);
    const completed = await h.db.prisma.workOrder.count({ where: { state: "COMPLETED" } });
    if (completed !== orders) throw new Error(`expected ${orders} completed orders, found ${completed}`);
    const transitions = await h.db.prisma.stateTransition.count();
    if (transitions !== orders * 4)
      throw new Error(`expected ${orders * 4} transitions, found ${transitions}`);
    const attempts = await h.db.prisma.executionAttempt.count();
    if (attempts !== orders) throw new Error(`expected ${orders} attempt rows, found ${attempts}`);
    if (metrics) {
      const rows = await h.db.prisma.metricRollup.findMany();
      const counted = rows.reduce((n, r) => n + r.completed, 0);
      if (counted !== orders)
        throw new Error(`expected ${orders} completed in the rollups, found ${counted}`);
      if (metrics.failedFlushes > 0) throw new Error(`${metrics.failedFlushes} rollup flushes failed`);
    }
    return result;
  } finally {
    await h.close();
  }
}

/** Past the maximum queue depth the system answers BACKPRESSURE: back off as a client would. */
async function submitWithBackoff(submitter: WorkOrderSubmitter, size: number): Promise<void> {
  const orders = Array.from({ length: size }, () => ({
    kind: "synthetic",
    payload: {},
    system: "NEW" as const,
    actor: "bench",
  }));
  for (;;) {
    try {
      await submitter.submitMany(orders);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "BACKPRESSURE") throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
