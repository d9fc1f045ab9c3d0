import { guardKeys, leaseHolder, readLastEvaluation } from "@qmc/engine";
import { createEngineHarness, type EngineHarness } from "@qmc/engine/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { workerFleet } from "./testing/spawn-worker.ts";

/** The health guard's lease between real worker processes: one evaluates; kill it, another takes over. */
let h: EngineHarness;
const fleet = workerFleet({ databaseUrl: () => h.db.url, prefix: () => h.prefix });
const GUARD_INTERVAL_MS = 300;
const LEASE_TTL_MS = 3 * GUARD_INTERVAL_MS;

beforeAll(async () => {
  h = await createEngineHarness("guard_lease", 4);
});
afterEach(() => fleet.killAll());
afterAll(() => h.close());

const EVALUATING = /"msg":"guard: evaluating"/;

describe("the health guard across worker processes", () => {
  it("has exactly one evaluator; after kill -9 of it, the other takes over within two lease lifetimes", async () => {
    const env = { GUARD_INTERVAL_MS: String(GUARD_INTERVAL_MS) };
    const a = fleet.start("guard-a", env);
    const b = fleet.start("guard-b", env);
    await Promise.all([a.waitForLine(/"msg":"worker started"/), b.waitForLine(/"msg":"worker started"/)]);
    await expect
      .poll(() => leaseHolder(h.redis, guardKeys(h.prefix).lease), { timeout: 5_000 })
      .toMatch(/^guard-[ab]$/);
    const holder = await leaseHolder(h.redis, guardKeys(h.prefix).lease);
    const [leader, follower] = holder === "guard-a" ? [a, b] : [b, a];
    const followerId = holder === "guard-a" ? "guard-b" : "guard-a";

    // Several evaluations pass, all by the holder: the other worker never evaluates.
    const firstAt = (await readLastEvaluation(h.redis, h.prefix))?.at;
    await expect
      .poll(async () => (await readLastEvaluation(h.redis, h.prefix))?.at, { timeout: 5_000 })
      .not.toBe(firstAt);
    expect((await readLastEvaluation(h.redis, h.prefix))?.workerId).toBe(holder);
    expect(leader.lines.some((l) => EVALUATING.test(l))).toBe(true);
    expect(follower.lines.some((l) => EVALUATING.test(l))).toBe(false);

    leader.child.kill("SIGKILL");
    await leader.exited;
    const killedAt = Date.now();
    await follower.waitForLine(EVALUATING, 10_000);
    const tookOverMs = Date.now() - killedAt;
    expect(tookOverMs).toBeLessThan(2 * LEASE_TTL_MS + GUARD_INTERVAL_MS);
    expect(await leaseHolder(h.redis, guardKeys(h.prefix).lease)).toBe(followerId);
    await expect
      .poll(async () => (await readLastEvaluation(h.redis, h.prefix))?.workerId, { timeout: 2_000 })
      .toBe(followerId);
  }, 60_000);

  it("a worker with GUARD_ENABLED=false never evaluates", async () => {
    const off = fleet.start("guard-off", { GUARD_ENABLED: "false", GUARD_INTERVAL_MS: "200" });
    await off.waitForLine(/"msg":"worker started"/);
    const on = fleet.start("guard-on", { GUARD_INTERVAL_MS: "200" });
    await on.waitForLine(EVALUATING);
    expect(await leaseHolder(h.redis, guardKeys(h.prefix).lease)).toBe("guard-on");
    expect(off.lines.some((l) => EVALUATING.test(l))).toBe(false);
  }, 60_000);
});
