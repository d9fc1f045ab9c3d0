import os from "node:os";
import type { PrismaClient } from "@qmc/db";
import { pruneWorkerHeartbeats } from "@qmc/engine";
import { recordWorkerSample } from "@qmc/engine/metrics";
import { hostMemoryUsedRatio } from "./host-memory.ts";

/** How often a worker prunes the rows of workers long gone. */
const PRUNE_EVERY_MS = 60_000;

export interface HeartbeatCapacity {
  systems: string[];
  slotsTotal: number;
  slotsInUse: number;
  concurrencyLimit: number;
  memoryPressure: string;
}

/**
 * Keeps this worker's row in WorkerHeartbeat fresh (Health page: workers, slots, memory).
 * A row whose lastSeenAt is old belongs to a worker that died without saying so. Each beat also
 * folds its reading into the worker's WorkerSample of the minute (the Health page's series), and
 * once a minute the rows of workers stopped or silent for long are pruned (any worker may: the
 * delete is idempotent), so the worker lists show the fleet as it is.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt = new Date();
  private lastPrune = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly workerId: string,
    private readonly intervalMs: number,
    private readonly capacity: () => HeartbeatCapacity,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(this.onError), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.prisma.workerHeartbeat.update({
      where: { workerId: this.workerId },
      data: { stoppedAt: new Date(), lastSeenAt: new Date(), slotsInUse: 0 },
    });
  }

  private async beat(): Promise<void> {
    const now = new Date();
    const fields = {
      ...this.capacity(),
      lastSeenAt: now,
      memoryUsedRatio: hostMemoryUsedRatio(),
      stoppedAt: null,
    };
    await this.prisma.workerHeartbeat.upsert({
      where: { workerId: this.workerId },
      create: {
        workerId: this.workerId,
        host: os.hostname(),
        pid: process.pid,
        startedAt: this.startedAt,
        ...fields,
      },
      // A process restarted under the same WORKER_ID is a new incarnation: its start time tells
      // the reconciler that attempts begun before it belonged to the one that died.
      update: { ...fields, startedAt: this.startedAt, pid: process.pid, host: os.hostname() },
    });
    const { slotsTotal, slotsInUse, concurrencyLimit, memoryUsedRatio } = fields;
    const reading = { workerId: this.workerId, slotsTotal, slotsInUse, concurrencyLimit, memoryUsedRatio };
    await recordWorkerSample(this.prisma, reading, now);
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await pruneWorkerHeartbeats(this.prisma, now);
    }
  }
}
