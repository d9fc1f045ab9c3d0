import { describe, expect, it } from "vitest";
import { ResourceMonitor } from "./resource-monitor.ts";

const never = new AbortController().signal;

async function granted(promise: Promise<void>, withinMs = 100): Promise<boolean> {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), withinMs)),
  ]);
}

describe("ResourceMonitor", () => {
  it("grants at most its slots, and a release lets the next one in", async () => {
    const monitor = new ResourceMonitor({ slots: 2, staggerMs: 0, readMemoryRatio: () => 0.1 });
    monitor.start();
    await monitor.acquire(never);
    await monitor.acquire(never);
    const third = monitor.acquire(never);
    expect(await granted(third)).toBe(false);
    monitor.release();
    expect(await granted(third)).toBe(true);
    expect(monitor.snapshot()).toMatchObject({ slotsTotal: 2, slotsInUse: 2 });
    monitor.stop();
  });

  it("lowers and restores its concurrency at run time, announcing each change", async () => {
    const monitor = new ResourceMonitor({ slots: 4, staggerMs: 0, readMemoryRatio: () => 0.1 });
    const limits: number[] = [];
    monitor.on("limit", (limit: number) => limits.push(limit));
    monitor.start();
    monitor.setConcurrencyLimit(1);
    await monitor.acquire(never);
    const second = monitor.acquire(never);
    expect(await granted(second)).toBe(false);
    monitor.restoreConcurrency();
    expect(await granted(second)).toBe(true);
    expect(limits).toEqual([1, 4]);
    expect(monitor.snapshot().concurrencyLimit).toBe(4);
    monitor.stop();
  });

  it("announces memory pressure changes and holds starts while critical", async () => {
    let ratio = 0.5;
    const monitor = new ResourceMonitor({
      slots: 4,
      staggerMs: 0,
      readMemoryRatio: () => ratio,
      memorySampleMs: 20,
    });
    const pressures: string[] = [];
    monitor.on("pressure", (p: string) => pressures.push(p));
    monitor.start();
    ratio = 0.95;
    await new Promise((r) => setTimeout(r, 60));
    const blocked = monitor.acquire(never);
    expect(await granted(blocked)).toBe(false);
    ratio = 0.82;
    await new Promise((r) => setTimeout(r, 60));
    expect(await granted(blocked, 400)).toBe(true);
    expect(pressures).toEqual(["critical", "warning"]);
    monitor.stop();
  });

  it("gives up waiting when its signal is aborted", async () => {
    const monitor = new ResourceMonitor({ slots: 1, staggerMs: 0, readMemoryRatio: () => 0.1 });
    monitor.start();
    await monitor.acquire(never);
    const controller = new AbortController();
    const waiting = monitor.acquire(controller.signal);
    controller.abort(new Error("stopping"));
    await expect(waiting).rejects.toThrow("stopping");
    monitor.stop();
  });

  it("hands a finishing job's slot to the next job only when it would grant it again now", async () => {
    let ratio = 0.1;
    const monitor = new ResourceMonitor({
      slots: 2,
      staggerMs: 0,
      readMemoryRatio: () => ratio,
      memorySampleMs: 10,
    });
    monitor.start();
    await monitor.acquire(never);
    await monitor.acquire(never);
    expect(monitor.canHandOver()).toBe(true);
    monitor.setConcurrencyLimit(1); // two running, limit one: the slot must be given back
    expect(monitor.canHandOver()).toBe(false);
    monitor.restoreConcurrency();
    ratio = 0.95;
    await new Promise((r) => setTimeout(r, 40));
    expect(monitor.canHandOver()).toBe(false);
    monitor.stop();

    const staggered = new ResourceMonitor({ slots: 2, staggerMs: 1_000, readMemoryRatio: () => 0.1 });
    await staggered.acquire(never);
    staggered.markStarted();
    expect(staggered.canHandOver()).toBe(false);
  });
});
