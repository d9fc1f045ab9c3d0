import { Writable } from "node:stream";
import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { QueueManager, WorkOrderSubmitter } from "@qmc/engine";
import { TEST_COMMAND_POLICY } from "@qmc/engine/testing";
import { createLogger, type Logger } from "@qmc/runtime";
import { DEFAULT_REDIS_URL } from "@qmc/transport";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "./auth/users.ts";
import { connectRedisOrFail, openProducerQueues } from "./redis-producers.ts";
import type { ApiServices } from "./services.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { cutWhileWaiting } from "./testing/postgres-cut.ts";
import { type RawResponse, rawCall } from "./testing/raw-call.ts";
import { type ServedApi, serveApi } from "./testing/serve-api.ts";
import { closedPort, startTcpProxy, withPort } from "./testing/tcp-proxy.ts";

/**
 * Postgres or Redis not answering is a typed 503 SERVICE_UNAVAILABLE with a Retry-After hint,
 * through the real HTTP endpoint — in authentication as much as in procedures — with no driver
 * text in the body and nothing half-written.
 */
let h: ApiHarness;
let operator: string;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  h = await createApiHarness("faults");
  operator = await h.tokenFor("OPERATOR");
});
afterAll(async () => {
  for (const close of cleanup.reverse()) await close().catch(() => {});
  await h.close();
});

function capturingLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return {
    logger: createLogger("web", "info", { destination }),
    lines: () => lines.map((l) => JSON.parse(l)),
  };
}

/** A second web process over the same database and queues, with some services swapped. */
async function webProcessWith(
  overrides: Partial<ApiServices>,
  prisma = h.engine.db.prisma,
): Promise<ServedApi> {
  const queues = overrides.queues ?? h.engine.queues;
  const submitter = new WorkOrderSubmitter(prisma, queues, TEST_COMMAND_POLICY, pino({ level: "silent" }));
  const served = await serveApi({
    ...h.web.services,
    prisma,
    queueManager: new QueueManager(h.web.services.liveConfig, submitter),
    ...overrides,
  });
  cleanup.push(() => served.close());
  return served;
}

function expectUnavailable(response: RawResponse, service: "postgres" | "redis") {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  expect(response.error?.data).toMatchObject({
    code: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    domainCode: "SERVICE_UNAVAILABLE",
    details: { service, retryAfterSeconds: 5 },
  });
  expect(response.error?.message).toMatch(/not answering.*Retry in a few seconds/);
  // Nothing of the driver, the query or the server reaches the client.
  expect(response.text).not.toMatch(
    /prisma|invocation|57P01|terminat|ECONNREFUSED|127\.0\.0\.1|Connection|stack|\.ts:\d+|apiToken|findUnique/i,
  );
}

async function writtenRows(prisma: PrismaClient = h.engine.db.prisma) {
  return {
    configs: await prisma.queueConfig.count(),
    orders: await prisma.workOrder.count(),
    legacyOrders: await prisma.legacyWorkOrder.count(),
    legacyChanges: await prisma.legacyStatusChange.count(),
    transitions: await prisma.stateTransition.count(),
    auditEvents: await prisma.auditEvent.count(),
  };
}

describe("Postgres stops answering", () => {
  it("a bearer call whose token lookup loses its connection (57P01) answers 503 with Retry-After", async () => {
    const response = await cutWhileWaiting(
      h.engine.db.url,
      "ApiToken",
      () => rawCall(h.web.url, "rollout.get", "query", undefined, { token: operator }),
      "terminate",
    );
    expectUnavailable(response, "postgres");
    // The pool recovers by itself: the next call works.
    expect((await rawCall(h.web.url, "rollout.get", "query", undefined, { token: operator })).status).toBe(
      200,
    );
  });

  it("a config change cut mid-transaction answers 503 and leaves nothing half-written", async () => {
    const before = await writtenRows();
    const version = h.web.services.liveConfig.current().version;
    // The new QueueConfig row is inserted, then the audit event waits on the lock: cut there.
    const response = await cutWhileWaiting(
      h.engine.db.url,
      "AuditEvent",
      () =>
        rawCall(
          h.web.url,
          "rollout.set",
          "mutation",
          { shadowMode: true, reason: "cut" },
          { token: operator },
        ),
      "terminate",
    );
    expectUnavailable(response, "postgres");
    expect(await writtenRows()).toEqual(before);
    expect(h.web.services.liveConfig.current().version).toBe(version);
  });

  it("a submission cut mid-statement answers 503 and writes no order", async () => {
    const before = await writtenRows();
    const response = await cutWhileWaiting(
      h.engine.db.url,
      "AuditEvent",
      () =>
        rawCall(
          h.web.url,
          "workOrders.submit",
          "mutation",
          { kind: "synthetic", payload: {} },
          { token: operator },
        ),
      "terminate",
    );
    expectUnavailable(response, "postgres");
    expect(await writtenRows()).toEqual(before);
  });

  it("with the network to Postgres cut and its port closed, token and cookie calls answer 503", async () => {
    const origin = new URL(h.web.url).origin;
    const email = "cookie-operator@example.com";
    await createUser(
      h.engine.db.prisma,
      { email, password: "a long enough password", role: "OPERATOR" },
      { actor: "test-setup" },
    );
    const signIn = await rawCall(
      h.web.url,
      "auth.signIn",
      "mutation",
      { email, password: "a long enough password" },
      { headers: { origin } },
    );
    const cookie = signIn.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    expect(cookie).toMatch(/^qmc_session=/);

    const proxy = await startTcpProxy(Number(new URL(h.engine.db.url).port || 5432));
    const prisma = createPrismaClient({
      databaseUrl: withPort(h.engine.db.url, proxy.port),
      maxConnections: 2,
    });
    cleanup.push(() => prisma.$disconnect());
    const { logger, lines } = capturingLogger();
    const web = await webProcessWith({ logger }, prisma);
    expect((await rawCall(web.url, "rollout.get", "query", undefined, { token: operator })).status).toBe(200);

    // Cut while the token lookup runs (node-postgres: "Connection terminated unexpectedly")…
    const inFlight = await cutWhileWaiting(
      h.engine.db.url,
      "ApiToken",
      () => rawCall(web.url, "rollout.get", "query", undefined, { token: operator }),
      () => proxy.cut(),
    );
    expectUnavailable(inFlight, "postgres");
    // …then nothing listens there any more (Prisma: P1001).
    expectUnavailable(
      await rawCall(web.url, "rollout.get", "query", undefined, { token: operator }),
      "postgres",
    );
    expectUnavailable(
      await rawCall(web.url, "auth.me", "query", undefined, { headers: { cookie, origin } }),
      "postgres",
    );
    const submit = await rawCall(
      web.url,
      "workOrders.submit",
      "mutation",
      { kind: "synthetic", payload: {} },
      { token: operator },
    );
    expectUnavailable(submit, "postgres");

    // Logged as a warning naming the service; never as an internal error.
    expect(lines().filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(lines().filter((l) => l.msg === "service unavailable" && l.service === "postgres").length).toBe(4);
  });
});

describe("Redis stops answering", () => {
  it("Redis-backed reads answer 503 at once; a submission is kept whole in Postgres for the reconciler", async () => {
    const redisPort = Number(new URL(h.engine.redisUrl).port || 6379);
    const proxy = await startTcpProxy(redisPort);
    const redisUrl = withPort(h.engine.redisUrl, proxy.port);
    const queues = await openProducerQueues(redisUrl, h.engine.prefix, () => {});
    cleanup.push(() => queues.close());
    const publisher = await connectRedisOrFail(redisUrl, "producer");
    cleanup.push(async () => publisher.disconnect());
    const { logger } = capturingLogger();
    const web = await webProcessWith({ queues, publisher, logger });
    expect(
      (await rawCall(web.url, "system.queueDepths", "query", undefined, { token: operator })).status,
    ).toBe(200);

    await proxy.cut();
    const started = Date.now();
    const depths = await rawCall(web.url, "system.queueDepths", "query", undefined, { token: operator });
    expectUnavailable(depths, "redis");
    expect(Date.now() - started).toBeLessThan(2_000);

    const before = await writtenRows();
    const submitStarted = Date.now();
    const submit = await rawCall(
      web.url,
      "workOrders.submit",
      "mutation",
      { kind: "synthetic", payload: {} },
      { token: operator },
    );
    expect(Date.now() - submitStarted).toBeLessThan(2_000);
    // Postgres is the source of truth: the order is written whole (row, history, audit) and
    // flagged not enqueued; the reconciler enqueues it when Redis is back. Nothing is lost.
    expect(submit.status).toBe(200);
    const order = submit.data as { id: string; system: "LEGACY" | "NEW"; enqueued: boolean };
    expect(order.enqueued).toBe(false);
    const after = await writtenRows();
    expect(after.auditEvents).toBe(before.auditEvents + 1);
    expect(after.legacyOrders + after.orders).toBe(before.legacyOrders + before.orders + 1);
  });

  it("a web process that cannot reach Redis when it starts answers 503, then serves once Redis answers", async () => {
    let redisUrl = `redis://127.0.0.1:${await closedPort()}`;
    const { logger, lines } = capturingLogger();
    const served = await serveApi(
      async () => {
        const publisher = await connectRedisOrFail(redisUrl, "producer", 500);
        cleanup.push(async () => publisher.disconnect());
        return { ...h.web.services, publisher };
      },
      { logger },
    );
    cleanup.push(() => served.close());
    expectUnavailable(
      await rawCall(served.url, "rollout.get", "query", undefined, { token: operator }),
      "redis",
    );
    expect(lines().some((l) => l.msg === "service unavailable" && l.service === "redis")).toBe(true);

    redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
    expect((await rawCall(served.url, "rollout.get", "query", undefined, { token: operator })).status).toBe(
      200,
    );
  });

  it("producer queues on a closed port give up within their deadline with SERVICE_UNAVAILABLE", async () => {
    const started = Date.now();
    const failure = await openProducerQueues(
      `redis://127.0.0.1:${await closedPort()}`,
      "x",
      () => {},
      500,
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "SERVICE_UNAVAILABLE", details: { service: "redis" } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
