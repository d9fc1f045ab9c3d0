import { Writable } from "node:stream";
import { createLogger } from "@qmc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routingSaltsSeen } from "./log-secrets.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { type RawResponse, rawCall } from "./testing/raw-call.ts";

/**
 * The routing salt is for admins only (DESIGN.md §7): no answer to a viewer or an operator
 * carries it — not the config history, not the audit trail's before/after of a config change —
 * and no log line of the web process prints it, not even a salt a failed change never made live.
 */
let h: ApiHarness;
let viewer: string;
let operator: string;
let admin: string;
let initialSalt: string;
const rotatedSalt = "RotatedRoutingSalt-4f1c9a";
const lines: string[] = [];

beforeAll(async () => {
  h = await createApiHarness("salt_redaction");
  [viewer, operator, admin] = await Promise.all([
    h.tokenFor("VIEWER"),
    h.tokenFor("OPERATOR"),
    h.tokenFor("ADMIN"),
  ]);
  const { liveConfig } = h.web.services;
  initialSalt = liveConfig.current().salt;
  // The web process's logger, wired as apps/web wires it, with its output captured.
  h.web.services.logger = createLogger("web", "info", {
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
    secrets: routingSaltsSeen(() => liveConfig.current().salt),
  });

  // Config history with both salts in it: changes before and after a rotation.
  const call = (path: string, input: unknown, token: string) =>
    rawCall(h.web.url, path, "mutation", input, { token });
  const steps = [
    await call(
      "rollout.set",
      { useNewQueueSystem: true, newQueueRolloutPercent: 5, reason: "canary" },
      operator,
    ),
    await call("rollout.setSalt", { salt: rotatedSalt, reason: "rotate" }, admin),
    await call("rollout.set", { shadowMode: true, reason: "shadow on" }, operator),
    await call("rollout.rollback", { reason: "p99 doubled" }, operator),
    await call("rollout.resume", { reason: "acknowledged" }, operator),
  ];
  expect(steps.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
  const submitted = await call("workOrders.submit", { kind: "synthetic", payload: {} }, operator);
  expect(submitted.status).toBe(200);
});
afterAll(() => h.close());

const SALTS = () => [initialSalt, rotatedSalt];

type ConfigEvents = { items: Array<{ before: { salt: unknown }; after: { salt: unknown } }> };

function leaks(response: RawResponse): string[] {
  return SALTS().filter((salt) => response.text.includes(salt));
}

async function readEverything(token: string) {
  const query = (path: string, input: unknown) => rawCall(h.web.url, path, "query", input, { token });
  const orders = await h.engine.db.prisma.legacyWorkOrder.findFirstOrThrow();
  return {
    "audit.find": await query("audit.find", { limit: 200 }),
    "audit.find config": await query("audit.find", { action: "config.salt" }),
    "rollout.get": await query("rollout.get", undefined),
    "rollout.history": await query("rollout.history", { limit: 500 }),
    "rollout.preview": await query("rollout.preview", { newQueueRolloutPercent: 50 }),
    "workOrders.get": await query("workOrders.get", { id: orders.id }),
    "workOrders.find": await query("workOrders.find", { system: "LEGACY" }),
    "migration.retirementCheck": await query("migration.retirementCheck", undefined),
  };
}

describe("the routing salt in answers", () => {
  it("reaches no viewer or operator through any read, the audit trail's config changes included", async () => {
    for (const [role, token] of [
      ["viewer", viewer],
      ["operator", operator],
    ] as const) {
      const answers = await readEverything(token);
      for (const [path, response] of Object.entries(answers)) {
        expect([role, path, response.status]).toEqual([role, path, 200]);
        expect([role, path, leaks(response)]).toEqual([role, path, []]);
      }
      // The shape stays: the salt's place says it is withheld.
      const { items } = answers["audit.find config"].data as ConfigEvents;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ before: { salt: "[redacted]" }, after: { salt: "[redacted]" } });
      expect((answers["rollout.get"].data as { salt: unknown }).salt).toBeNull();
    }
  });

  it("reaches no operator through the answers of its own changes", async () => {
    const call = (path: string, input: unknown) =>
      rawCall(h.web.url, path, "mutation", input, { token: operator });
    const answers = [
      await call("rollout.set", { newQueueRolloutPercent: 1, reason: "smaller" }),
      await call("rollout.rollback", { reason: "again" }),
      await call("rollout.resume", { reason: "again" }),
      await call("workOrders.submit", { kind: "synthetic", payload: {} }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.flatMap(leaks)).toEqual([]);
  });

  it("is shown to an admin, in the config and in the audit trail", async () => {
    const answers = await readEverything(admin);
    expect((answers["rollout.get"].data as { salt: unknown }).salt).toBe(rotatedSalt);
    const { items } = answers["audit.find config"].data as ConfigEvents;
    expect(items[0]).toMatchObject({ before: { salt: initialSalt }, after: { salt: rotatedSalt } });
    expect(leaks(answers["rollout.history"]).sort()).toEqual(SALTS().sort());
  });
});

describe("the routing salt and token scopes", () => {
  it("reaches no admin's token without the admin scope (a scraper's or a dashboard's read token)", async () => {
    const adminReader = await h.tokenFor("ADMIN", ["read"]);
    const answers = await readEverything(adminReader);
    for (const [path, response] of Object.entries(answers)) {
      expect([path, response.status, leaks(response)]).toEqual([path, 200, []]);
    }
    expect((answers["rollout.get"].data as { salt: unknown }).salt).toBeNull();
    const { items } = answers["audit.find config"].data as ConfigEvents;
    expect(items[0]).toMatchObject({ before: { salt: "[redacted]" }, after: { salt: "[redacted]" } });
  });
});

describe("the routing salt in logs", () => {
  it("a salt rotation the database refuses is a 500 whose log line carries neither the old nor the new salt", async () => {
    const neverLive = "NeverLiveRoutingSalt-77d0e2";
    await h.engine.db.prisma.$executeRawUnsafe(
      `alter table "QueueConfig" add constraint test_refuse_salt check (reason <> 'refuse me')`,
    );
    try {
      const refused = await rawCall(
        h.web.url,
        "rollout.setSalt",
        "mutation",
        { salt: neverLive, reason: "refuse me" },
        { token: admin },
      );
      expect(refused.status).toBe(500);
      expect(refused.text).not.toContain(neverLive);

      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const failure = logged.find((l) => l.level === 50 && l.path === "rollout.setSalt");
      expect(failure, "the 500 was logged").toBeDefined();
      expect(JSON.stringify(failure)).toContain("23514"); // with the cause an operator needs
      const leaking = lines.filter((line) => [neverLive, ...SALTS()].some((salt) => line.includes(salt)));
      expect(leaking).toEqual([]);
    } finally {
      await h.engine.db.prisma.$executeRawUnsafe(
        `alter table "QueueConfig" drop constraint test_refuse_salt`,
      );
    }
  });
});
