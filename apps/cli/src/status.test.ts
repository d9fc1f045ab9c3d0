import { type ApiHarness, createApiHarness } from "@qmc/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runQmc } from "./testing/run-qmc.ts";

let h: ApiHarness;
let operator: string;

beforeAll(async () => {
  h = await createApiHarness("cli-status");
  operator = await h.tokenFor("OPERATOR");
});
afterAll(() => h.close());

const qmc = (args: string[]) => runQmc(args, { QMC_URL: h.web.url, QMC_TOKEN: operator });
const UTC = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC`;

describe("qmc status, read by a person", () => {
  it("prints routing, pause, config, workers, depths and alerts as aligned lines", async () => {
    const api = h.client(h.web, operator);
    // Two orders while the switch is off (legacy), three at 100 % (new); nobody runs them.
    for (let i = 0; i < 2; i++) await api.workOrders.submit.mutate({ kind: "synthetic", payload: {} });
    await api.rollout.set.mutate({ useNewQueueSystem: true, newQueueRolloutPercent: 100, reason: "all in" });
    for (let i = 0; i < 3; i++) await api.workOrders.submit.mutate({ kind: "synthetic", payload: {} });
    await api.rollout.set.mutate({ newQueueRolloutPercent: 50, shadowMode: true, reason: "raise to 50" });
    const now = new Date();
    await h.engine.db.prisma.workerHeartbeat.createMany({
      data: ["host-a-1", "host-b-7"].map((workerId, pid) => ({
        workerId,
        host: workerId.slice(0, 6),
        pid,
        startedAt: now,
        lastSeenAt: now,
        systems: ["legacy", "new"],
        slotsTotal: 8,
        slotsInUse: 0,
        concurrencyLimit: 8,
        memoryUsedRatio: 0.2,
        memoryPressure: "NORMAL",
      })),
    });

    const before = await qmc(["status"]);
    expect(before.code).toBe(0);
    expect(before.stdout.trimEnd().split("\n")).toEqual([
      "Routing   new system ON · 50 % to new · shadow on",
      "Paused    no",
      expect.stringMatching(
        new RegExp(
          `^Config    v3, changed (just now|\\d+ s ago) \\(${UTC}\\) by operator-\\d+@example\\.com: "raise to 50"$`,
        ),
      ),
      "Workers   2 alive (host-a-1, host-b-7)",
      "Depths    legacy 2 waiting · 0 running   new 3 waiting · 0 running · 0 retrying",
      "Alerts    none",
    ]);
    expect(before.stdout).not.toMatch(/[{}]/);
  }, 60_000);

  it("says why the rollout is paused and the command that acknowledges the guard's decision", async () => {
    const explanation = "error rate 3.2 % > 1 % in the new system";
    const decision = await h.engine.db.prisma.gateDecision.create({
      data: {
        metric: "ERROR_RATE",
        subject: "NEW",
        value: 0.032,
        limit: 0.01,
        windowSeconds: 300,
        sampleSize: 120,
        action: "PAUSE_ROLLOUT",
        inputs: {},
        explanation,
      },
    });
    await h.web.services.liveConfig.change(
      { paused: true, pausedReason: explanation },
      { actor: "guard:host-a-1", reason: explanation, action: "config.pause" },
    );

    const status = await qmc(["status"]);
    expect(status.code).toBe(0);
    const lines = status.stdout.split("\n");
    expect(lines).toContain(
      `Paused    yes — ${explanation} (decision ${decision.id}, ${lines.find((l) => l.startsWith("Paused"))?.match(/, (just now|\d+ s ago)\)/)?.[1]}); acknowledge with qmc ack --decision ${decision.id} --reason "…"`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^Config    v4, changed .* \\(${UTC}\\) by guard:host-a-1: "${explanation}"$`),
      ),
    );
    expect(lines).toContain("Alerts    1 open — qmc alerts lists them");

    const json = await qmc(["status", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      config: { version: 4, paused: true, pausedReason: explanation },
      pauseDecision: { id: decision.id, action: "PAUSE_ROLLOUT" },
      workersAlive: 2,
      depths: { orders: { LEGACY: { queued: 2 }, NEW: { PENDING: 3 } } },
    });
  }, 60_000);

  it("prints the rollout's state, not a JSON blob, after rollout set and rollback", async () => {
    await h.web.services.liveConfig.change(
      { paused: false },
      { actor: "test-setup", reason: "clear the pause", action: "config.resume" },
    );
    const set = await qmc([
      "rollout",
      "set",
      "--percent",
      "12.5",
      "--shadow",
      "off",
      "--reason",
      "back down",
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout.split("\n").slice(0, 2)).toEqual([
      "Routing   new system ON · 12.5 % to new · shadow off",
      "Paused    no",
    ]);
    expect(set.stdout).toMatch(/^Config {4}v\d+, changed .* by operator-\d+@example\.com: "back down"$/m);
    const rollback = await qmc(["rollback", "--reason", "errors up"]);
    // A rollback turns the switch off and the percent to 0 in one version.
    expect(rollback.stdout).toMatch(/^Routing {3}new system OFF · every order to legacy · shadow off$/m);
  }, 60_000);
});
