import { EventEmitter } from "node:events";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { type GuardConcurrencyMessage, guardConcurrencyChannel, type Redis } from "@qmc/transport";
import type { LiveConfig } from "../config/live-config.ts";
import type { ResourceMonitor } from "../new-system/resource-monitor.ts";
import type { SystemQueues } from "../queues/system-queues.ts";
import { GuardEvaluator, type GuardTickReport } from "./guard-evaluator.ts";
import { guardKeys } from "./guard-keys.ts";
import { GuardLease } from "./guard-lease.ts";
import { reportWorkerReading } from "./worker-readings.ts";

export interface GuardOptions {
  /**
   * Whether this worker competes for the lease and evaluates when it holds it. A worker that
   * does not still reports its memory and obeys concurrency commands. @defaultValue true
   */
  evaluate?: boolean;
  /** Time between two evaluations (and readings). @defaultValue 5000 */
  intervalMs?: number;
  /** How long the lease outlives a holder that stops renewing. @defaultValue 3 × intervalMs */
  leaseTtlMs?: number;
}

export interface GuardRunnerDeps {
  prisma: PrismaClient;
  /** Producer connection: the lease, the guard's keys, command publishing. */
  redis: Redis;
  /** The process's subscriber connection, for concurrency commands. */
  subscriber: Redis;
  queues: Pick<SystemQueues, "legacy" | "newSystem">;
  liveConfig: Pick<LiveConfig, "change">;
  monitor: Pick<ResourceMonitor, "setConcurrencyLimit" | "restoreConcurrency" | "snapshot">;
  readMemoryRatio: () => number;
  prefix: string;
  workerId: string;
  workerStaleAfterMs: number;
  logger: Logger;
}

/**
 * The health guard in one worker. Every worker runs one: it reports its own memory reading and
 * concurrency limit every interval, obeys concurrency commands addressed to it, and competes for
 * the guard's lease; the one holding it evaluates (GuardEvaluator). Emits `evaluated`
 * (GuardTickReport) after each evaluation this worker made, and `leadership` (boolean) on change.
 */
export class GuardRunner extends EventEmitter {
  private readonly lease: GuardLease;
  private readonly evaluator: GuardEvaluator;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private leader = false;
  private unsubscribe: (() => Promise<void>) | null = null;
  /** Evaluations this worker made. */
  evaluations = 0;

  constructor(
    private readonly deps: GuardRunnerDeps,
    private readonly options: GuardOptions = {},
  ) {
    super();
    this.intervalMs = options.intervalMs ?? 5000;
    const ttl = options.leaseTtlMs ?? 3 * this.intervalMs;
    this.lease = new GuardLease(deps.redis, guardKeys(deps.prefix).lease, deps.workerId, ttl);
    this.evaluator = new GuardEvaluator({
      ...deps,
      intervalMs: this.intervalMs,
      logger: deps.logger.child({ component: "guard" }),
      stillLeader: () => this.lease.stillHeld(),
    });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe = await guardConcurrencyChannel(this.deps.prefix).subscribe(this.deps.subscriber, (m) =>
      this.obey(m),
    );
    this.running = this.tick();
    await this.running;
  }

  /** Stops ticking, waits for a pass in progress, and hands the lease back at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.unsubscribe?.().catch(() => {});
    await this.lease.release().catch(() => {});
    this.setLeader(false);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, this.intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.report();
      if (this.options.evaluate === false) return;
      this.setLeader(await this.lease.hold());
      if (!this.leader || this.stopped) return;
      const report: GuardTickReport = await this.evaluator.evaluateOnce();
      this.evaluations += 1;
      this.emit("evaluated", report);
    } catch (error) {
      this.deps.logger.warn({ err: error }, "guard pass failed; retried at the next interval");
    } finally {
      this.schedule();
    }
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.deps.logger.info(
      { workerId: this.deps.workerId },
      leader ? "guard: evaluating" : "guard: not evaluating",
    );
    this.emit("leadership", leader);
  }

  private async report(): Promise<void> {
    const s = this.deps.monitor.snapshot();
    await reportWorkerReading(this.deps.prisma, {
      workerId: this.deps.workerId,
      memoryUsedRatio: this.deps.readMemoryRatio(),
      slotsTotal: s.slotsTotal,
      slotsInUse: s.slotsInUse,
      concurrencyLimit: s.concurrencyLimit,
      memoryPressure: s.memoryPressure,
    });
  }

  private obey(message: GuardConcurrencyMessage): void {
    if (message.workerId !== this.deps.workerId || this.stopped) return;
    const before = this.deps.monitor.snapshot().concurrencyLimit;
    if (message.command === "reduce") this.deps.monitor.setConcurrencyLimit(message.limit);
    else this.deps.monitor.restoreConcurrency();
    const after = this.deps.monitor.snapshot().concurrencyLimit;
    if (after !== before) {
      this.deps.logger.warn(
        { workerId: this.deps.workerId, concurrencyLimit: after, was: before },
        `guard: concurrency ${message.command === "reduce" ? "lowered" : "restored"}`,
      );
    }
    // Tell the evaluator at once, not at the next interval.
    void this.report().catch((error: unknown) =>
      this.deps.logger.warn({ err: error }, "guard: reporting the new limit failed"),
    );
  }
}
