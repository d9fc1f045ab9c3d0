import { commandRunPolicy } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "./testing/engine-harness.ts";
import { pollUntil, transitionHistory } from "./testing/order-history.ts";
import { cancelWorkOrder } from "./work-orders/cancel.ts";

/** The `command` task kind through the whole new system: allowlist, sandbox, timeout, cancel. */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("commands");
  // This worker allows fewer commands than the submitter: the worker's list is the one that counts.
  await h.startEngine(
    { systems: ["NEW"] },
    {
      commandPolicy: commandRunPolicy({
        executables: { echo: "/bin/echo", sleep: "/bin/sleep" },
        allowedEnv: ["GREETING"],
        childPath: "/usr/bin:/bin",
      }),
    },
  );
});
afterAll(() => h.close());

const submit = (id: string, payload: object) =>
  h.submitter.submit({ id, kind: "command", payload, system: "NEW", actor: "t" });

describe("command orders", () => {
  it("run an allowlisted executable with its args and env, and record its output", async () => {
    await submit("echo", { command: "echo", args: ["hello", "world"] });
    await waitForTerminal(h.db, ["echo"]);
    const order = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "echo" } });
    expect(order).toMatchObject({ state: "COMPLETED", exitCode: 0, output: "hello world\n" });
  });

  it("fail at once, without retry, when the worker's allowlist does not hold the command", async () => {
    await submit("not-here", { command: "sh", args: ["-c", "echo hi"] });
    await waitForTerminal(h.db, ["not-here"]);
    const order = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "not-here" } });
    expect(order).toMatchObject({ state: "FAILED", errorClass: "NOT_ALLOWED", attempts: 1 });
    expect(order.errorMessage).toMatch(/not on the allowlist/);
  });

  it("time out, are killed, and are retried until the attempts run out", async () => {
    await submit("slow", { command: "sleep", args: ["30"], timeoutMs: 200 });
    await waitForTerminal(h.db, ["slow"], 30_000);
    const order = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "slow" } });
    expect(order).toMatchObject({ state: "FAILED", errorClass: "TIMEOUT", attempts: 3 });
    const attempts = await h.db.prisma.executionAttempt.findMany({ where: { workOrderId: "slow" } });
    expect(attempts.every((a) => (a.durationMs ?? 0) < 5_000)).toBe(true);
  }, 40_000);

  it("can be cancelled while running: the process group is killed and the order ends CANCELLED", async () => {
    await submit("long", { command: "sleep", args: ["30"] });
    await pollUntil(
      () => h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: "long" } }),
      (o) => o.state === "RUNNING",
    );
    await cancelWorkOrder(
      { prisma: h.db.prisma, queues: h.queues, publisher: h.redis, queuePrefix: h.prefix },
      "long",
      "op",
    );
    await waitForTerminal(h.db, ["long"], 10_000);
    expect(await transitionHistory(h.db, "long")).toEqual([
      "SUBMIT→PENDING",
      "CLAIM→PREPARING",
      "READY→RUNNING",
      "CANCEL→CANCELLED",
    ]);
  });
});
