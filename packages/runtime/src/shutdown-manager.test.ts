import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ShutdownManager } from "./shutdown-manager.ts";

const silent = pino({ level: "silent" });

describe("ShutdownManager", () => {
  it("runs hooks once, in registration order, then exits 0", async () => {
    const calls: string[] = [];
    const exits: number[] = [];
    const manager = new ShutdownManager(silent, 1000, (code) => exits.push(code));
    manager.register("stop claiming", async () => void calls.push("stop claiming"));
    manager.register("close connections", async () => void calls.push("close connections"));
    await Promise.all([manager.shutdown("SIGTERM"), manager.shutdown("SIGINT")]);
    expect(calls).toEqual(["stop claiming", "close connections"]);
    expect(exits).toEqual([0]);
  });

  it("keeps running later hooks when one fails, and exits 1", async () => {
    const calls: string[] = [];
    const exits: number[] = [];
    const manager = new ShutdownManager(silent, 1000, (code) => exits.push(code));
    manager.register("bad", async () => {
      throw new Error("boom");
    });
    manager.register("close", async () => void calls.push("close"));
    await manager.shutdown("test");
    expect(calls).toEqual(["close"]);
    expect(exits).toEqual([1]);
  });

  it("exits 1 at the deadline when a hook hangs", async () => {
    const exits: number[] = [];
    const manager = new ShutdownManager(silent, 50, (code) => exits.push(code));
    manager.register("hang", () => new Promise(() => {}));
    const started = Date.now();
    await manager.shutdown("test");
    expect(exits).toEqual([1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
