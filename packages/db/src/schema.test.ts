import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "./generated/prisma/client.ts";
import { createTestDatabase, type TestDatabase } from "./testing/index.ts";

/**
 * Every model of prisma/schema.prisma written and read back through the generated client,
 * on a database built only from the migrations: proves the migrations and the client agree.
 */
let db: TestDatabase;
const exercised = new Set<string>();

beforeAll(async () => {
  db = await createTestDatabase("schema");
});
afterAll(() => db.drop());

function model(name: Prisma.ModelName, fn: () => Promise<void>) {
  exercised.add(name);
  it(`writes and reads ${name}`, fn);
}

describe("every model round-trips through the client", () => {
  model("LegacyWorkOrder", async () => {
    await db.prisma.legacyWorkOrder.create({
      data: {
        id: "lwo-1",
        kind: "synthetic",
        payload: { durationMs: 5 },
        status: "queued",
        submittedBy: "t",
      },
    });
    const row = await db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id: "lwo-1" } });
    expect(row).toMatchObject({
      status: "queued",
      payload: { durationMs: 5 },
      priority: 0,
      migratedAt: null,
    });
  });

  model("LegacyStatusChange", async () => {
    await db.prisma.legacyStatusChange.create({
      data: { workOrderId: "lwo-1", fromStatus: "queued", toStatus: "building" },
    });
    const changes = await db.prisma.legacyStatusChange.findMany({ where: { workOrderId: "lwo-1" } });
    expect(changes.map((c) => c.toStatus)).toEqual(["building"]);
  });

  model("WorkOrder", async () => {
    const submittedAt = new Date("2026-01-02T03:04:05Z");
    await db.prisma.workOrder.create({
      data: {
        id: "wo-1",
        kind: "synthetic",
        payload: { durationMs: 1 },
        maxAttempts: 3,
        submittedBy: "t",
        migrated: true,
        originalSubmittedAt: submittedAt,
        shadowOfId: "lwo-1",
        role: "SHADOW",
      },
    });
    const row = await db.prisma.workOrder.findUniqueOrThrow({ where: { id: "wo-1" } });
    expect(row).toMatchObject({ state: "PENDING", attempts: 0, migrated: true, role: "SHADOW" });
    expect(row.originalSubmittedAt).toEqual(submittedAt);
  });

  model("StateTransition", async () => {
    await db.prisma.stateTransition.create({
      data: { workOrderId: "wo-1", fromState: null, toState: "PENDING", event: "SUBMIT", attempt: 0 },
    });
    const rows = await db.prisma.stateTransition.findMany({ where: { workOrderId: "wo-1" } });
    expect(rows).toHaveLength(1);
    expect(typeof rows[0]?.id).toBe("bigint");
  });

  model("ExecutionAttempt", async () => {
    await db.prisma.executionAttempt.create({
      data: {
        system: "NEW",
        workOrderId: "wo-1",
        attempt: 1,
        startedAt: new Date(),
        exitCode: 0,
        durationMs: 12,
      },
    });
    await expect(
      db.prisma.executionAttempt.create({
        data: { system: "NEW", workOrderId: "wo-1", attempt: 1, startedAt: new Date() },
      }),
    ).rejects.toThrow();
    expect(await db.prisma.executionAttempt.count({ where: { workOrderId: "wo-1" } })).toBe(1);
  });

  model("IdempotencyKey", async () => {
    await db.prisma.idempotencyKey.create({ data: { key: "k-1", workOrderId: "wo-1", system: "NEW" } });
    await expect(
      db.prisma.idempotencyKey.create({ data: { key: "k-1", workOrderId: "wo-2", system: "NEW" } }),
    ).rejects.toThrow();
  });

  model("AuditEvent", async () => {
    const submission = { kind: "synthetic", payload: { durationMs: 1 }, priority: 0 };
    await db.prisma.auditEvent.create({
      data: {
        actor: "admin@example.com",
        action: "work_order.submit",
        subjectType: "WorkOrder",
        subjectId: "wo-1",
        submission,
      },
    });
    const row = await db.prisma.auditEvent.findFirstOrThrow({ where: { subjectId: "wo-1" } });
    expect(row.submission).toEqual(submission);
  });

  model("QueueConfig", async () => {
    const base = { shadowMode: false, salt: "s1", actor: "system", reason: "initial" };
    await db.prisma.queueConfig.create({
      data: { ...base, version: 1, useNewQueueSystem: false, rolloutBasisPoints: 0 },
    });
    await db.prisma.queueConfig.create({
      data: { ...base, version: 2, useNewQueueSystem: true, rolloutBasisPoints: 1001 },
    });
    const live = await db.prisma.queueConfig.findFirstOrThrow({ orderBy: { version: "desc" } });
    expect(live).toMatchObject({ version: 2, rolloutBasisPoints: 1001, paused: false, legacyRetired: false });
    await expect(
      db.prisma.queueConfig.create({
        data: { ...base, version: 2, useNewQueueSystem: false, rolloutBasisPoints: 0 },
      }),
    ).rejects.toThrow();
  });

  model("ShadowComparison", async () => {
    await db.prisma.shadowComparison.create({
      data: {
        legacyWorkOrderId: "lwo-1",
        shadowWorkOrderId: "wo-1",
        outcome: "MISMATCH",
        differences: [{ field: "exitCode", legacy: 0, shadow: 1 }],
        legacyOutcome: { state: "COMPLETED" },
        shadowOutcome: { state: "FAILED" },
      },
    });
    expect(await db.prisma.shadowComparison.count({ where: { outcome: "MISMATCH" } })).toBe(1);
  });

  model("MetricRollup", async () => {
    const minute = new Date("2026-01-01T00:01:00Z");
    await db.prisma.metricRollup.create({
      data: {
        stream: "SHADOW",
        minute,
        source: "worker:w1",
        completed: 3,
        queueWaitHistogram: [1, 2, 0],
        runTimeHistogram: [0, 3, 0],
        endToEndHistogram: [0, 0, 3],
      },
    });
    const row = await db.prisma.metricRollup.findUniqueOrThrow({
      where: { stream_minute_source: { stream: "SHADOW", minute, source: "worker:w1" } },
    });
    expect(row.endToEndHistogram).toEqual([0, 0, 3]);
    expect(row.completed).toBe(3);
  });

  model("QueueDepthSample", async () => {
    const at = new Date("2026-01-01T00:01:05Z");
    await db.prisma.queueDepthSample.create({
      data: { system: "NEW", at, waiting: 12, delayed: 3, active: 8 },
    });
    expect((await db.prisma.queueDepthSample.findFirstOrThrow({ where: { at } })).waiting).toBe(12);
  });

  model("WorkerSample", async () => {
    const minute = new Date("2026-01-01T00:01:00Z");
    await db.prisma.workerSample.create({
      data: {
        workerId: "w1",
        minute,
        memoryUsedRatio: 0.93,
        slotsTotal: 8,
        slotsInUse: 8,
        concurrencyLimit: 4,
      },
    });
    expect((await db.prisma.workerSample.findFirstOrThrow({ where: { minute } })).concurrencyLimit).toBe(4);
  });

  model("ThresholdSetting", async () => {
    await db.prisma.thresholdSetting.create({
      data: {
        metric: "ERROR_RATE",
        limit: 0.01,
        action: "PAUSE_ROLLOUT",
        windowSeconds: 300,
        minSample: 100,
        updatedBy: "seed",
      },
    });
    expect(
      (await db.prisma.thresholdSetting.findUniqueOrThrow({ where: { metric: "ERROR_RATE" } })).limit,
    ).toBe(0.01);
  });

  model("GateDecision", async () => {
    const row = await db.prisma.gateDecision.create({
      data: {
        metric: "ERROR_RATE",
        subject: "NEW",
        value: 0.05,
        limit: 0.01,
        windowSeconds: 300,
        sampleSize: 200,
        action: "PAUSE_ROLLOUT",
        inputs: { finished: 200, failed: 10 },
        explanation: "error rate 5% > 1%",
      },
    });
    expect(row.status).toBe("OPEN");
  });

  model("WorkerHeartbeat", async () => {
    const now = new Date();
    await db.prisma.workerHeartbeat.create({
      data: {
        workerId: "w-1",
        host: "h",
        pid: 1,
        startedAt: now,
        lastSeenAt: now,
        systems: ["LEGACY", "NEW"],
        slotsTotal: 4,
        slotsInUse: 1,
        concurrencyLimit: 4,
        memoryUsedRatio: 0.4,
        memoryPressure: "none",
      },
    });
    expect(
      (await db.prisma.workerHeartbeat.findUniqueOrThrow({ where: { workerId: "w-1" } })).systems,
    ).toEqual(["LEGACY", "NEW"]);
  });

  model("BackgroundRun", async () => {
    const run = await db.prisma.backgroundRun.create({
      data: {
        type: "IN_FLIGHT_MIGRATION",
        dryRun: true,
        filter: {},
        plan: { queued: 3 },
        actor: "a",
        reason: "test",
      },
    });
    expect(run).toMatchObject({ status: "PLANNED", processed: 0, moved: 0 });
  });

  model("User", async () => {
    await db.prisma.user.create({ data: { email: "a@example.com", passwordHash: "x", role: "ADMIN" } });
    await expect(
      db.prisma.user.create({ data: { email: "a@example.com", passwordHash: "y" } }),
    ).rejects.toThrow();
  });

  model("Session", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "a@example.com" } });
    await db.prisma.session.create({
      data: { id: "sha-1", userId: user.id, expiresAt: new Date(Date.now() + 1000) },
    });
    expect(await db.prisma.session.count({ where: { userId: user.id } })).toBe(1);
  });

  model("ApiToken", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "a@example.com" } });
    await db.prisma.apiToken.create({
      data: { userId: user.id, name: "cli", tokenHash: "h1", prefix: "qmc_ab" },
    });
    const withTokens = await db.prisma.user.findUniqueOrThrow({
      where: { id: user.id },
      include: { apiTokens: true },
    });
    expect(withTokens.apiTokens.map((t) => t.name)).toEqual(["cli"]);
  });

  it("exercises every model in the schema", () => {
    expect([...exercised].sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });
});
