import { type ApiHarness, createApiHarness } from "@qmc/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runQmc } from "./testing/run-qmc.ts";

let h: ApiHarness;
let operator: string;

beforeAll(async () => {
  h = await createApiHarness("cli");
  operator = await h.tokenFor("OPERATOR");
});
afterAll(() => h.close());

function qmc(args: string[], token: string | undefined = operator) {
  return runQmc(args, { QMC_URL: h.web.url, QMC_TOKEN: token ?? "" });
}

describe("qmc, the CLI over the typed tRPC client", () => {
  it("works with an API token: status, rollout set, rollback", async () => {
    const status = await qmc(["status", "--json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      config: { useNewQueueSystem: false },
      workersAlive: 0,
    });

    const set = await qmc(["rollout", "set", "--on", "--percent", "10", "--reason", "canary", "--json"]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ useNewQueueSystem: true, newQueueRolloutPercent: 10 });

    const rollback = await qmc(["rollback", "--reason", "errors up"]);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toMatch(/^Routing {3}new system OFF · every order to legacy · shadow off$/m);
    const audit = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "config.rollback" },
    });
    expect(audit.actor).toMatch(/^operator-/);
  }, 60_000);

  it("runs a migration dry run and a resubmission", async () => {
    const order = await h
      .client(h.web, operator)
      .workOrders.submit.mutate({ kind: "synthetic", payload: {} });
    const dry = await qmc(["migrate", "--dry-run", "--reason", "count", "--json"]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).plan.toMove).toBe(1);
    const event = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
      where: { subjectId: order.id, action: "work_order.submit" },
    });
    const args = [
      "resubmit",
      "--event",
      String(event.id),
      "--key",
      "cli-key-0001",
      "--reason",
      "replay",
      "--json",
    ];
    const first = await qmc(args);
    const second = await qmc(args);
    expect(JSON.parse(first.stdout)).toMatchObject({ duplicate: false, resubmittedFromId: order.id });
    expect(JSON.parse(second.stdout)).toMatchObject({ duplicate: true });
  }, 60_000);

  it("migrate starts a background run on a worker and follows its progress to the end", async () => {
    const api = h.client(h.web, operator);
    const orders = await Promise.all(
      Array.from({ length: 3 }, () => api.workOrders.submit.mutate({ kind: "synthetic", payload: {} })),
    );
    expect(orders.every((o) => o.system === "LEGACY")).toBe(true);
    await h.engine.startEngine({ systems: [] });

    const migrate = await qmc(["migrate", "--reason", "move them", "--json"]);
    expect(migrate.code).toBe(0);
    const run = JSON.parse(migrate.stdout);
    expect(run).toMatchObject({ type: "IN_FLIGHT_MIGRATION", status: "COMPLETED", processed: run.total });
    expect(run.moved).toBeGreaterThanOrEqual(3);
    expect(migrate.stderr).toMatch(new RegExp(`run ${run.id}: COMPLETED ${run.total}/${run.total}`));
    const moved = await h.engine.db.prisma.workOrder.count({
      where: { id: { in: orders.map((o) => o.id) } },
    });
    expect(moved).toBe(3);

    const late = await qmc(["cancel", "--run", run.id, "--reason", "too late"]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/RUN_NOT_ACTIVE/);
  }, 60_000);

  it("lists the guard's unresolved decisions and acknowledges one with a reason", async () => {
    const decision = await h.engine.db.prisma.gateDecision.create({
      data: {
        metric: "QUEUE_DEPTH_GROWTH",
        subject: "NEW",
        value: 25,
        limit: 10,
        windowSeconds: 300,
        sampleSize: 12,
        action: "ALERT",
        inputs: {},
        explanation: "Queue depth of the new system trends +25.0 orders/min",
      },
    });
    const table = await qmc(["alerts"]);
    expect(table.stdout).toMatch(
      new RegExp(
        `^(just now|\\d+ s ago) +OPEN +queue depth growth +NEW +ALERT +${decision.id} +Queue depth of the new system trends`,
        "m",
      ),
    );
    expect((await qmc(["thresholds"])).stdout).toMatch(/^error rate +1 % +300 s +100 +PAUSE_ROLLOUT +on /m);
    const alerts = await qmc(["alerts", "--json"]);
    expect(alerts.code).toBe(0);
    expect(JSON.parse(alerts.stdout).items).toMatchObject([{ id: decision.id, status: "OPEN" }]);
    expect((await qmc(["ack", "--reason", "x"])).code).toBe(2);
    const ack = await qmc(["ack", "--decision", decision.id, "--reason", "scheduler restarted", "--json"]);
    expect(ack.code).toBe(0);
    expect(JSON.parse(ack.stdout)).toMatchObject({
      status: "ACKNOWLEDGED",
      acknowledgedReason: "scheduler restarted",
    });
    const again = await qmc(["ack", "--decision", decision.id, "--reason", "again"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/GATE_DECISION_NOT_OPEN/);
  }, 60_000);

  it("reports refusals with the API's code (exit 1) and bad usage with help (exit 2)", async () => {
    const anonymous = await qmc(["status"], "");
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/UNAUTHORIZED/);
    const badPercent = await qmc(["rollout", "set", "--percent", "101", "--reason", "x"]);
    expect(badPercent.code).toBe(1);
    expect(badPercent.stderr).toMatch(/INVALID_ROLLOUT_PERCENT/);
    expect((await qmc(["rollout", "set", "--percent", "ten", "--reason", "x"])).code).toBe(2);
    expect((await qmc(["rollback"])).stderr).toMatch(/--reason/);
  }, 60_000);
});
