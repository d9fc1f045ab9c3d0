import { routeWorkOrder, toRoutingConfig } from "@qmc/core";
import { RollupWriter } from "@qmc/engine/metrics";
import { waitForTerminal } from "@qmc/engine/testing";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "./auth/users.ts";
import { appRouter } from "./root-router.ts";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";

/** The control plane through its real HTTP endpoint, with a real worker running. */
let h: ApiHarness;
let viewer: string;
let operator: string;
/** The worker's metrics writer, as in production: comparison.stats reads its rollups. */
let writer: RollupWriter | undefined;

beforeAll(async () => {
  h = await createApiHarness("control_plane");
  [viewer, operator] = await Promise.all([h.tokenFor("VIEWER"), h.tokenFor("OPERATOR")]);
});
afterAll(async () => {
  await writer?.stop();
  await h.close();
});

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string; output?: unknown } }>,
).map(([path, p]) => ({ path, type: p._def.type, hasOutputSchema: p._def.output !== undefined }));
const PUBLIC = new Set(["auth.me", "auth.signIn"]);
const ANY_SIGNED_IN_MUTATION = new Set(["auth.signOut", "auth.createToken", "auth.revokeToken"]);

async function raw(path: string, type: string, token?: string) {
  const url = `${h.web.url}/${path}`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const body = JSON.stringify(superjson.serialize({}));
  const response =
    type === "query"
      ? await fetch(`${url}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(url, { method: "POST", headers, body });
  // superjson wraps the error shape in { json }.
  const payload = (await response.json()) as { error?: { json?: { data?: { code?: string } } } };
  return { status: response.status, code: payload.error?.json?.data?.code };
}

describe("authorization on every procedure", () => {
  it("every procedure declares a zod output schema (nothing leaves unchecked)", () => {
    expect(procedures.filter((p) => !p.hasOutputSchema).map((p) => p.path)).toEqual([]);
  });

  it("an anonymous caller gets UNAUTHORIZED on every procedure but the public ones", async () => {
    expect(procedures.length).toBeGreaterThan(15);
    for (const { path, type } of procedures.filter((p) => !PUBLIC.has(p.path))) {
      const { status, code } = await raw(path, type);
      expect([path, status, code]).toEqual([path, 401, "UNAUTHORIZED"]);
    }
  });

  it("a viewer gets FORBIDDEN on every mutation it may not make", async () => {
    const mutations = procedures.filter(
      (p) => p.type === "mutation" && !PUBLIC.has(p.path) && !ANY_SIGNED_IN_MUTATION.has(p.path),
    );
    expect(mutations.length).toBeGreaterThan(5);
    for (const { path, type } of mutations) {
      const { status, code } = await raw(path, type, viewer);
      expect([path, status, code]).toEqual([path, 403, "FORBIDDEN"]);
    }
  });

  it("an operator may not do admin work", async () => {
    const call = h.client(h.web, operator).users.list.query();
    expect(await errorOf(call)).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
  });
});

describe("rollout over HTTP", () => {
  it("0 / 10 / 50 / 100 % over 2,000 submissions each give shares within binomial tolerance", async () => {
    const api = h.client(h.web, operator);
    for (const percent of [0, 10, 50, 100]) {
      await api.rollout.set.mutate({
        useNewQueueSystem: true,
        newQueueRolloutPercent: percent,
        reason: `step to ${percent}`,
      });
      const systems: string[] = [];
      for (let i = 0; i < 2000; i += 100) {
        const batch = await Promise.all(
          Array.from({ length: 100 }, () => api.workOrders.submit.mutate({ kind: "synthetic", payload: {} })),
        );
        systems.push(...batch.map((b) => b.system));
      }
      const share = systems.filter((s) => s === "NEW").length / systems.length;
      const tolerance = 4 * Math.sqrt(((percent / 100) * (1 - percent / 100)) / 2000);
      expect(Math.abs(share - percent / 100)).toBeLessThanOrEqual(tolerance);
    }
  }, 180_000);

  it("raising 10 → 50 % moves no order from new back to legacy", async () => {
    const api = h.client(h.web, operator);
    const at10 = await api.rollout.set.mutate({
      newQueueRolloutPercent: 10,
      useNewQueueSystem: true,
      reason: "10",
    });
    const routed = await Promise.all(
      Array.from({ length: 300 }, () => api.workOrders.submit.mutate({ kind: "synthetic", payload: {} })),
    );
    const config = await h.engine.db.prisma.queueConfig.findUniqueOrThrow({
      where: { version: at10.version },
    });
    const at50 = toRoutingConfig({ ...at10, salt: config.salt, newQueueRolloutPercent: 50 });
    expect(
      routed.filter((r) => r.system === "NEW" && routeWorkOrder(at50, r.id).system === "LEGACY"),
    ).toEqual([]);
    const preview = await api.rollout.preview.query({ newQueueRolloutPercent: 50, lastN: 300 });
    expect(preview.toLegacy).toBe(0);
    expect(preview.total).toBe(300);
  });

  it("with the switch off, every order goes to legacy", async () => {
    const api = h.client(h.web, operator);
    await api.rollout.set.mutate({ useNewQueueSystem: false, newQueueRolloutPercent: 100, reason: "off" });
    const routed = await Promise.all(
      Array.from({ length: 100 }, () => api.workOrders.submit.mutate({ kind: "synthetic", payload: {} })),
    );
    expect(routed.every((r) => r.system === "LEGACY")).toBe(true);
  });

  it("a rollback through one web process is obeyed by a second process's next submission within 2 s", async () => {
    const second = await h.startWebProcess();
    const first = h.client(h.web, operator);
    const other = h.client(second, operator);
    await first.rollout.set.mutate({
      useNewQueueSystem: true,
      newQueueRolloutPercent: 100,
      reason: "all in",
    });
    await expect
      .poll(async () => (await other.rollout.get.query()).useNewQueueSystem, { timeout: 2000 })
      .toBe(true);
    const started = Date.now();
    await first.rollout.rollback.mutate({ reason: "p99 doubled" });
    await expect
      .poll(async () => (await other.workOrders.submit.mutate({ kind: "synthetic", payload: {} })).system, {
        timeout: 2000,
        interval: 50,
      })
      .toBe("LEGACY");
    expect(Date.now() - started).toBeLessThan(2000);
    const history = await other.rollout.history.query({ limit: 1 });
    expect(history[0]).toMatchObject({ useNewQueueSystem: false, reason: "p99 doubled", salt: null });
  });

  it("bad inputs get typed errors and write nothing", async () => {
    const api = h.client(h.web, operator);
    const prisma = h.engine.db.prisma;
    const count = async () => [
      await prisma.queueConfig.count(),
      await prisma.workOrder.count(),
      await prisma.legacyWorkOrder.count(),
    ];
    const before = await count();
    const set = (p: unknown) =>
      api.rollout.set.mutate({ newQueueRolloutPercent: p as number, reason: "bad" });
    expect(await errorOf(set(101))).toMatchObject({
      code: "BAD_REQUEST",
      domainCode: "INVALID_ROLLOUT_PERCENT",
    });
    expect(await errorOf(set(-1))).toMatchObject({
      code: "BAD_REQUEST",
      domainCode: "INVALID_ROLLOUT_PERCENT",
    });
    expect(await errorOf(set(Number.NaN))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(set("50"))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(api.rollout.set.mutate({ newQueueRolloutPercent: 20, reason: "  " }))).toMatchObject(
      {
        code: "BAD_REQUEST",
      },
    );
    expect(await errorOf(api.rollout.rollback.mutate({ reason: "" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(api.workOrders.submit.mutate({ kind: "nope", payload: {} }))).toMatchObject({
      code: "BAD_REQUEST",
      domainCode: "UNKNOWN_TASK_KIND",
    });
    expect(
      await errorOf(
        api.workOrders.submit.mutate({ kind: "synthetic", payload: { pad: "x".repeat(1_000_000) } }),
      ),
    ).toMatchObject({ httpStatus: 413 });
    expect(
      await errorOf(api.workOrders.get.query({ id: "00000000-0000-0000-0000-000000000000" })),
    ).toMatchObject({
      code: "NOT_FOUND",
      domainCode: "WORK_ORDER_NOT_FOUND",
    });
    expect(await errorOf(api.workOrders.get.query({ id: "bad id; drop table" }))).toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await errorOf(api.workOrders.cancel.mutate({ id: "" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await count()).toEqual(before);
  });
});

describe("work orders over HTTP", () => {
  it("submit, get with both systems' timeline and the shadow result, find with paging, cancel", async () => {
    // A worker, from here on; orders below run at top priority, ahead of the thousands queued above.
    writer = new RollupWriter(h.engine.db.prisma, {
      source: "worker:control-plane",
      flushMs: 100,
      logger: h.engine.resources.logger,
    });
    await writer.start();
    await h.engine.startEngine(
      { legacyConcurrency: 16, newSystemSlots: 16, shadowCompareIntervalMs: 200 },
      { metrics: writer },
    );
    const api = h.client(h.web, operator);
    await api.rollout.set.mutate({ useNewQueueSystem: false, shadowMode: true, reason: "shadow on" });
    const order = await api.workOrders.submit.mutate({
      kind: "synthetic",
      payload: { durationMs: 5, outputBytes: 10 },
      priority: 10,
    });
    expect(order).toMatchObject({ system: "LEGACY" });
    expect(order.shadowId).toBeTruthy();
    await waitForTerminal(h.engine.db, [order.id, order.shadowId ?? ""], 30_000);
    await expect
      .poll(async () => (await api.workOrders.get.query({ id: order.id })).comparison?.outcome, {
        timeout: 5000,
      })
      .toBe("MATCH");
    const detail = await api.workOrders.get.query({ id: order.id });
    expect(detail.legacy?.statusChanges.map((c) => c.toStatus)).toEqual([
      "queued",
      "building",
      "running",
      "completed",
    ]);
    expect(detail.shadow?.transitions.map((t) => t.event)).toEqual(["SUBMIT", "CLAIM", "READY", "COMPLETE"]);

    const page1 = await api.workOrders.find.query({ system: "LEGACY", limit: 5 });
    const page2 = await api.workOrders.find.query({
      system: "LEGACY",
      limit: 5,
      cursor: page1.nextCursor ?? undefined,
    });
    expect(page1.items).toHaveLength(5);
    expect(new Set([...page1.items, ...page2.items].map((i) => i.id)).size).toBe(10);

    await api.rollout.set.mutate({
      useNewQueueSystem: true,
      newQueueRolloutPercent: 100,
      shadowMode: false,
      reason: "all new",
    });
    const long = await api.workOrders.submit.mutate({
      kind: "synthetic",
      payload: { durationMs: 60_000 },
      priority: 10,
    });
    await expect
      .poll(async () => (await api.workOrders.get.query({ id: long.id })).newSystem?.state, {
        timeout: 10_000,
      })
      .toBe("RUNNING");
    expect(await api.workOrders.cancel.mutate({ id: long.id })).toMatchObject({
      outcome: "cancel-requested",
    });
    await waitForTerminal(h.engine.db, [long.id], 10_000);
    expect((await api.workOrders.get.query({ id: long.id })).newSystem?.state).toBe("CANCELLED");
    const stats = await api.comparison.stats.query({
      from: new Date(Date.now() - 600_000),
      to: new Date(Date.now() + 1000),
    });
    const legacyStats = stats.systems.find((s) => s.system === "LEGACY");
    expect(legacyStats?.finished).toBeGreaterThan(0);
    expect(legacyStats?.p99Ms).toBeGreaterThanOrEqual(legacyStats?.p50Ms ?? 0);
    expect(stats.shadow.compared).toBeGreaterThanOrEqual(1);
    expect(await errorOf(api.comparison.stats.query({ from: new Date(), to: new Date(0) }))).toMatchObject({
      code: "BAD_REQUEST",
    });
    const audit = await h.engine.db.prisma.auditEvent.findFirst({
      where: { subjectId: long.id, action: "work_order.cancel_requested" },
    });
    expect(audit?.actor).toMatch(/^operator-\d+@example.com$/);
  }, 60_000);
});

describe("sessions and origin checks", () => {
  it("signs in with a cookie, refuses a cross-origin mutation, accepts a same-origin one", async () => {
    const email = "cookie-admin@example.com";
    // Account administration needs a signed-in admin; this test is about the operator's cookie.
    await createUser(
      h.engine.db.prisma,
      { email, password: "a long enough password", role: "OPERATOR" },
      { actor: "test-setup" },
    );
    const origin = new URL(h.web.url).origin;
    const signIn = await fetch(`${h.web.url}/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify(superjson.serialize({ email, password: "a long enough password" })),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie()[0] ?? "";
    expect(cookie).toMatch(/^qmc_session=[^;]+;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie.split(";")[0] ?? "";
    const rollback = (from: string) =>
      fetch(`${h.web.url}/rollout.rollback`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: session, origin: from },
        body: JSON.stringify(superjson.serialize({ reason: "origin test" })),
      });
    expect((await rollback("https://evil.example")).status).toBe(403);
    expect((await rollback(origin)).status).toBe(200);
    const wrong = await fetch(`${h.web.url}/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify(superjson.serialize({ email, password: "wrong password!!" })),
    });
    expect(wrong.status).toBe(401);
  });
});
