import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import {
  classifyMemoryPressure,
  DEFAULT_MEMORY_PRESSURE_LEVELS,
  decideSlot,
  type MemoryPressure,
  type MemoryPressureLevels,
  usableSlots,
} from "@qmc/core";

export interface ResourceMonitorOptions {
  /** Slots this worker offers the new system. */
  slots: number;
  /** Minimum time between two starts. @defaultValue 0 */
  staggerMs: number;
  /** Reads the host's used-memory ratio (0..1). */
  readMemoryRatio: () => number;
  /** How often memory is sampled. @defaultValue 1000 */
  memorySampleMs?: number;
  memoryLevels?: MemoryPressureLevels;
}

export interface ResourceSnapshot {
  slotsTotal: number;
  slotsInUse: number;
  concurrencyLimit: number;
  usableSlots: number;
  memoryUsedRatio: number;
  memoryPressure: MemoryPressure;
}

/**
 * Grants the scheduler its slots: a slot is free, memory pressure is not critical, and the
 * stagger since the last start has passed. Emits `pressure` (MemoryPressure) and `limit`
 * (number) on change, and `refused` ("no-free-slot" | "memory-critical") each time a slot is
 * asked for and not granted. The health guard lowers and restores the concurrency limit at run time.
 */
export class ResourceMonitor extends EventEmitter {
  private inUse = 0;
  private limit: number;
  private pressure: MemoryPressure = "none";
  private memoryRatio = 0;
  private lastGrantAt: number | null = null; // last start, see markStarted
  private sampler: NodeJS.Timeout | null = null;
  private readonly changed = new EventEmitter();

  constructor(private readonly options: ResourceMonitorOptions) {
    super();
    this.limit = options.slots;
    this.changed.setMaxListeners(0);
  }

  /** Starts are spaced out, so they must come from one place in sequence. */
  get staggered(): boolean {
    return this.options.staggerMs > 0;
  }

  start(): void {
    this.sampleMemory();
    this.sampler = setInterval(() => this.sampleMemory(), this.options.memorySampleMs ?? 1000);
    this.sampler.unref();
  }

  stop(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    this.changed.emit("change");
  }

  /** Resolves once a slot is granted; rejects with the signal's reason when aborted first. */
  async acquire(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const decision = decideSlot(this.slotState(), Date.now());
      if (decision.grant) {
        this.inUse += 1;
        return;
      }
      if (decision.reason === "stagger") await sleep(decision.waitMs, undefined, { signal });
      else {
        // Observable for tests and metrics: why the scheduler is not starting work right now.
        this.emit("refused", decision.reason);
        await this.nextChange(signal);
      }
    }
  }

  /**
   * The granted slot took a job now. The stagger counts from actual starts, not grants: a
   * grant may wait on an empty queue, and the next start must still keep its distance.
   */
  markStarted(at = Date.now()): void {
    this.lastGrantAt = at;
  }

  /**
   * Whether a finishing job's slot may pass straight to the next job: true when releasing it
   * would grant it again right now (no lowered limit, no critical memory, no stagger to wait).
   * On true the slot stays taken; on false the caller releases it.
   */
  canHandOver(now = Date.now()): boolean {
    return decideSlot({ ...this.slotState(), inUse: this.inUse - 1 }, now).grant;
  }

  release(): void {
    this.inUse = Math.max(0, this.inUse - 1);
    this.changed.emit("change");
  }

  /** Health guard: cap concurrency (1..slots). */
  setConcurrencyLimit(limit: number): void {
    const next = Math.max(1, Math.min(this.options.slots, Math.floor(limit)));
    if (next === this.limit) return;
    this.limit = next;
    this.emit("limit", next);
    this.changed.emit("change");
  }

  restoreConcurrency(): void {
    this.setConcurrencyLimit(this.options.slots);
  }

  snapshot(): ResourceSnapshot {
    return {
      slotsTotal: this.options.slots,
      slotsInUse: this.inUse,
      concurrencyLimit: this.limit,
      usableSlots: usableSlots(this.slotState()),
      memoryUsedRatio: this.memoryRatio,
      memoryPressure: this.pressure,
    };
  }

  private slotState() {
    return {
      slotsTotal: this.options.slots,
      concurrencyLimit: this.limit,
      inUse: this.inUse,
      pressure: this.pressure,
      lastGrantAt: this.lastGrantAt,
      staggerMs: this.options.staggerMs,
    };
  }

  private sampleMemory(): void {
    this.memoryRatio = this.options.readMemoryRatio();
    const next = classifyMemoryPressure(
      this.memoryRatio,
      this.pressure,
      this.options.memoryLevels ?? DEFAULT_MEMORY_PRESSURE_LEVELS,
    );
    if (next === this.pressure) return;
    this.pressure = next;
    this.emit("pressure", next);
    this.changed.emit("change");
  }

  /** Waits for a release, a limit or pressure change, or a short poll (memory may have eased). */
  private nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.changed.off("change", done);
        signal.removeEventListener("abort", abort);
      };
      const done = () => {
        cleanup();
        resolve();
      };
      const abort = () => {
        cleanup();
        reject(signal.reason);
      };
      const timer = setTimeout(done, 250);
      this.changed.once("change", done);
      signal.addEventListener("abort", abort, { once: true });
    });
  }
}
