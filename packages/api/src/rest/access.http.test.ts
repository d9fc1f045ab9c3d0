import { createPrismaClient } from "@qmc/db";
import { QueueManager, WorkOrderSubmitter } from "@qmc/engine";
import { pollUntil, TEST_COMMAND_POLICY } from "@qmc/engine/testing";
import { connectRedis, type Redis } from "@qmc/transport";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disableUser } from "../auth/account-admin.ts";
import { revokeApiToken } from "../auth/api-tokens.ts";
import { resetUserPassword } from "../auth/password-changes.ts";
import { tokenAccessChannel } from "../auth/token-access-changes.ts";
import { setUserRole } from "../auth/users.ts";
import { openProducerQueues } from "../redis-producers.ts";
import type { ApiServices } from "../services.ts";
import { type ApiHarness, createApiHarness } from "../testing/api-harness.ts";
import { cutWhileWaiting } from "../testing/postgres-cut.ts";
import { startTcpProxy, withPort } from "../testing/tcp-proxy.ts";
import { closeProducerContext, type ProducerApiOptions } from "./producer-context.ts";
import { post, type ServedRest, serveRest } from "./rest-testing.ts";

let h: ApiHarness;
const cleanup: Array<() => Promise<unknown>> = [];
const who = { actor: "admin@example.com" };

beforeAll(async () => {
  h = await createApiHarness("rest-access");
});
afterAll(async () => {
  for (const close of cleanup.reverse()) await close().catch(() => {});
  await h.close();
});

/** Another web process serving the producer API: the harness's services, some swapped. */
async function restProcess(overrides: Partial<ApiServices> = {}, options: ProducerApiOptions = {}) {
  const services: ApiServices = { ...h.web.services, ...overrides };
  const served: ServedRest = await serveRest(services, options);
  cleanup.push(async () => {
    await served.close();
    await closeProducerContext(services);
  });
  return served;
}

/** A producer's token and its user's id. */
async function producer(): Promise<{ token: string; userId: string; tokenId: string }> {
  const token = await h.tokenFor("OPERATOR", ["orders:submit"]);
  const row = await h.engine.db.prisma.apiToken.findFirstOrThrow({
    where: { prefix: token.split("_").slice(0, 2).join("_") },
    select: { id: true, userId: true },
  });
  return { token, userId: row.userId, tokenId: row.id };
}

const order = { kind: "synthetic", payload: {} };
const submit = (rest: ServedRest, token: string) =>
  post(rest.origin, "/api/v1/work-orders", order, { token });

describe("per-token rate limit", () => {
  it("answers 429 RATE_LIMITED with Retry-After past the limit, per token", async () => {
    const rest = await restProcess({}, { rateLimit: { requests: 5, windowSeconds: 30 } });
    const busy = await producer();
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await submit(rest, busy.token));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 429, 429]);
    const refused = answers[5];
    expect(refused?.body.error).toMatchObject({
      code: "RATE_LIMITED",
      details: { limit: 5, windowSeconds: 30 },
    });
    const wait = Number(refused?.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(30);
    // Another producer's token has its own count.
    expect((await submit(rest, (await producer()).token)).status).toBe(201);
  });

  it("leases a token's requests from Redis a few at a time, and still stops at the limit", async () => {
    const rest = await restProcess({}, { rateLimit: { requests: 200, windowSeconds: 60 } });
    const busy = await producer();
    const counted = async () =>
      Number(await h.web.services.publisher.get(`${h.engine.prefix}:producer-rate:${busy.tokenId}`));
    expect((await submit(rest, busy.token)).status).toBe(201);
    expect(await counted()).toBe(5); // one lease of 200 / 40
    for (let i = 0; i < 4; i++) await submit(rest, busy.token);
    expect(await counted()).toBe(5);
    await submit(rest, busy.token);
    expect(await counted()).toBe(10);
    const answers = await Promise.all(Array.from({ length: 200 }, () => submit(rest, busy.token)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(194);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(6);
  });
});

describe("token lookups cached, and dropped when access changes", () => {
  it("reuses a valid token's lookup for its lifetime only", async () => {
    const rest = await restProcess({}, { tokenCacheMs: 1_000 });
    const p = await producer();
    expect((await submit(rest, p.token)).status).toBe(201);
    // Revoked behind the API's back (no announcement): the cached lookup still answers…
    await h.engine.db.prisma.apiToken.update({ where: { id: p.tokenId }, data: { revokedAt: new Date() } });
    expect((await submit(rest, p.token)).status).toBe(201);
    // …until its lifetime is over.
    const refused = await pollUntil(
      () => submit(rest, p.token),
      (a) => a.status === 401,
      5_000,
    );
    expect(refused.body.error?.code).toBe("UNAUTHORIZED");
  });

  it.each([
    ["a revoked token", (p: { tokenId: string }) => revokeApiToken(h.engine.db.prisma, p.tokenId, who), 401],
    [
      "a disabled user",
      (p: { userId: string }) => disableUser(h.engine.db.prisma, p.userId, "left", who),
      401,
    ],
    [
      "a password reset",
      (p: { userId: string }) =>
        resetUserPassword(h.engine.db.prisma, { userId: p.userId, reason: "lost" }, who),
      401,
    ],
    [
      "a demotion to viewer",
      (p: { userId: string }) => setUserRole(h.engine.db.prisma, p.userId, "VIEWER", who),
      403,
    ],
  ])("%s stops working on the very next request (cache dropped at once)", async (_name, change, status) => {
    const rest = await restProcess({}, { tokenCacheMs: 60_000 });
    const p = await producer();
    expect((await submit(rest, p.token)).status).toBe(201);
    await change(p);
    expect((await submit(rest, p.token)).status).toBe(status);
  });

  it("carries access changes between web processes over Redis", async () => {
    const rest = await restProcess({}, { tokenCacheMs: 60_000 });
    const listener: Redis = await connectRedis(h.engine.redisUrl, "subscriber");
    cleanup.push(async () => listener.disconnect());
    const heard: string[] = [];
    await tokenAccessChannel(h.engine.prefix).subscribe(listener, ({ origin }) => heard.push(origin));

    // This process revokes: the others hear of it.
    const mine = await producer();
    expect((await submit(rest, mine.token)).status).toBe(201);
    await revokeApiToken(h.engine.db.prisma, mine.tokenId, who);
    await pollUntil(
      async () => heard.length,
      (n) => n === 1,
      2_000,
    );

    // Another process revoked (here: in the database, and its message): this one forgets.
    const theirs = await producer();
    expect((await submit(rest, theirs.token)).status).toBe(201);
    await h.engine.db.prisma.apiToken.update({
      where: { id: theirs.tokenId },
      data: { revokedAt: new Date() },
    });
    expect((await submit(rest, theirs.token)).status).toBe(201); // still cached
    await tokenAccessChannel(h.engine.prefix).publish(h.web.services.publisher, { origin: "web-2" });
    const refused = await pollUntil(
      () => submit(rest, theirs.token),
      (a) => a.status === 401,
      2_000,
    );
    expect(refused.status).toBe(401);
  });
});

describe("outages", () => {
  it("Postgres cut mid-statement: 503 SERVICE_UNAVAILABLE with Retry-After, nothing written", async () => {
    const rest = await restProcess();
    const p = await producer();
    expect((await submit(rest, p.token)).status).toBe(201);
    const before = await h.engine.db.prisma.auditEvent.count();
    const answer = await cutWhileWaiting(
      h.engine.db.url,
      "AuditEvent",
      () => submit(rest, p.token),
      "terminate",
    );
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("5");
    expect(answer.body.error).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      details: { service: "postgres", retryAfterSeconds: 5 },
    });
    expect(answer.text).not.toMatch(/57P01|terminat|Connection|stack|\.ts:\d+/i);
    expect(await h.engine.db.prisma.auditEvent.count()).toBe(before);
  });

  it("Postgres gone (network cut, port closed): 503 for a cached token and for a new one", async () => {
    const proxy = await startTcpProxy(Number(new URL(h.engine.db.url).port || 5432));
    const prisma = createPrismaClient({
      databaseUrl: withPort(h.engine.db.url, proxy.port),
      maxConnections: 2,
    });
    cleanup.push(() => prisma.$disconnect());
    const submitter = new WorkOrderSubmitter(
      prisma,
      h.engine.queues,
      TEST_COMMAND_POLICY,
      pino({ level: "silent" }),
    );
    const rest = await restProcess({
      prisma,
      queueManager: new QueueManager(h.web.services.liveConfig, submitter),
    });
    const cached = await producer();
    expect((await submit(rest, cached.token)).status).toBe(201);
    await proxy.cut();
    for (const token of [cached.token, (await producer()).token]) {
      const answer = await submit(rest, token);
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        details: { service: "postgres" },
      });
      expect(answer.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|prisma|stack/i);
    }
  });

  it("Redis gone: an order is still accepted whole in Postgres (the reconciler enqueues it)", async () => {
    const proxy = await startTcpProxy(Number(new URL(h.engine.redisUrl).port || 6379));
    const redisUrl = withPort(h.engine.redisUrl, proxy.port);
    const queues = await openProducerQueues(redisUrl, h.engine.prefix, () => {});
    cleanup.push(() => queues.close());
    const publisher = await connectRedis(redisUrl, "producer");
    publisher.on("error", () => {});
    cleanup.push(async () => publisher.disconnect());
    const submitter = new WorkOrderSubmitter(
      h.engine.db.prisma,
      queues,
      TEST_COMMAND_POLICY,
      pino({ level: "silent" }),
    );
    const rest = await restProcess({
      queues,
      publisher,
      queueManager: new QueueManager(h.web.services.liveConfig, submitter),
    });
    const p = await producer();
    expect((await submit(rest, p.token)).status).toBe(201);
    await proxy.cut();
    const started = Date.now();
    const answer = await submit(rest, p.token);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(answer.status).toBe(201);
    const { id } = answer.body as { id: string };
    expect(await h.engine.db.prisma.auditEvent.count({ where: { subjectId: id } })).toBe(1);
  });
});
