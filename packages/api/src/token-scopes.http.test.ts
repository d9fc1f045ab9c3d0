import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Access } from "./auth/access.ts";
import type { Role } from "./auth/roles.ts";
import { TOKEN_SCOPE_NAMES, type TokenScope } from "./auth/scopes.ts";
import { createUser } from "./auth/users.ts";
import { appRouter } from "./root-router.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { type RawResponse, rawCall } from "./testing/raw-call.ts";

/**
 * API token scopes through the real HTTP endpoint (issue 14, item 2): every procedure declares
 * who may call it, a token does what its scopes allow and nothing else (while its owner keeps the
 * role), scopes are chosen at creation and never exceed the creator's role, and no token — not
 * even an admin's with every scope — can administer accounts.
 */
let h: ApiHarness;
let origin: string;
let people = 0;
const PASSWORD = "plum orchard telescope";

beforeAll(async () => {
  h = await createApiHarness("token_scopes");
  origin = new URL(h.web.url).origin;
});
afterAll(() => h.close());

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: string; meta?: { access?: Access } } }
  >,
).map(([path, p]) => ({ path, type: p._def.type as "query" | "mutation", access: p._def.meta?.access }));

/** A person of `role` with a known password, created directly in the database. */
async function person(role: Role) {
  const email = `scopes-${role.toLowerCase()}-${people++}@example.com`;
  const user = await createUser(
    h.engine.db.prisma,
    { email, password: PASSWORD, role },
    { actor: "test-setup" },
  );
  const signIn = await rawCall(
    h.web.url,
    "auth.signIn",
    "mutation",
    { email, password: PASSWORD },
    { headers: { origin } },
  );
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  return { id: user.id, email, cookie };
}

/** A call with a signed-in person's cookie, from the console's own origin. */
const asSession = (cookie: string, path: string, type: "query" | "mutation", input?: unknown) =>
  rawCall(h.web.url, path, type, input, { headers: { cookie, origin } });
/** A call with an API token. */
const asToken = (token: string, path: string, type: "query" | "mutation", input?: unknown) =>
  rawCall(h.web.url, path, type, input, { token });

function refusal(response: RawResponse) {
  return {
    status: response.status,
    code: response.error?.data.code,
    domainCode: response.error?.data.domainCode ?? null,
  };
}

/** Creates a token in the console's way (a signed-in person) and returns it. */
async function tokenOf(cookie: string, scopes: TokenScope[]): Promise<string> {
  const created = await asSession(cookie, "auth.createToken", "mutation", { name: `t-${people}`, scopes });
  expect(created.status, created.text).toBe(200);
  return (created.data as { token: string }).token;
}

describe("every procedure declares who may call it", () => {
  it("each procedure of the root router has an access: public, a session of a role, or a scope of the catalog", () => {
    expect(procedures.length).toBeGreaterThan(40);
    const undeclared = procedures.filter(
      ({ access }) =>
        !access ||
        !(
          access.kind === "public" ||
          access.kind === "session" ||
          (access.kind === "scope" && TOKEN_SCOPE_NAMES.includes(access.scope))
        ),
    );
    expect(undeclared.map((p) => p.path)).toEqual([]);
  });

  it("account administration, minting tokens and passwords need a session; only workOrders.submit takes orders:submit", () => {
    const accessOf = (path: string) => procedures.find((p) => p.path === path)?.access;
    for (const p of procedures.filter((p) => p.path.startsWith("users."))) {
      expect([p.path, p.access]).toEqual([p.path, { kind: "session", role: "ADMIN" }]);
    }
    for (const path of ["auth.createToken", "auth.revokeToken", "auth.changePassword", "auth.signOut"]) {
      expect([path, accessOf(path)?.kind]).toEqual([path, "session"]);
    }
    const submitters = procedures.filter(
      (p) => p.access?.kind === "scope" && p.access.scope === "orders:submit",
    );
    expect(submitters.map((p) => p.path)).toEqual(["workOrders.submit"]);
    // Reads need `read`, except the bulk re-submission's dry run, part of orders:write.
    const otherQueries = procedures.filter(
      (p) => p.type === "query" && p.access?.kind === "scope" && p.access.scope !== "read",
    );
    expect(otherQueries.map((p) => p.path)).toEqual(["audit.bulkResubmitPlan"]);
  });
});

describe("a token does what its scopes allow, and nothing else", () => {
  it("a producer's orders:submit token submits work orders; every other procedure refuses it with 403 naming what it needs", async () => {
    // Made by an admin, so every refusal below is the token's scopes, never its owner's role.
    const admin = await person("ADMIN");
    const producer = await tokenOf(admin.cookie, ["orders:submit"]);

    const submitted = await asToken(producer, "workOrders.submit", "mutation", {
      kind: "synthetic",
      payload: {},
    });
    expect(submitted.status, submitted.text).toBe(200);
    const me = await asToken(producer, "auth.me", "query");
    expect(me.data).toMatchObject({ id: admin.id, via: "token", scopes: ["orders:submit"] });

    const others = procedures.filter((p) => p.access?.kind !== "public" && p.path !== "workOrders.submit");
    expect(others.length).toBeGreaterThan(40);
    for (const { path, type, access } of others) {
      const response = await asToken(producer, path, type, {});
      const expected =
        access?.kind === "session"
          ? { status: 403, code: "FORBIDDEN", domainCode: "SESSION_REQUIRED" }
          : { status: 403, code: "FORBIDDEN", domainCode: "SCOPE_MISSING" };
      expect([path, refusal(response)]).toEqual([path, expected]);
      if (access?.kind === "scope") {
        expect([path, response.error?.data.details]).toEqual([
          path,
          { scope: access.scope, tokenScopes: ["orders:submit"] },
        ]);
      }
    }
  });

  it("a read token reads, and steering the rollout is refused with SCOPE_MISSING and a sentence naming rollout:write", async () => {
    const operator = await person("OPERATOR");
    const dashboard = await tokenOf(operator.cookie, ["read"]);
    expect((await asToken(dashboard, "rollout.get", "query")).status).toBe(200);
    expect((await asToken(dashboard, "workOrders.find", "query", {})).status).toBe(200);

    const before = await h.engine.db.prisma.queueConfig.count();
    const set = await asToken(dashboard, "rollout.set", "mutation", {
      newQueueRolloutPercent: 50,
      reason: "x",
    });
    expect(refusal(set)).toEqual({ status: 403, code: "FORBIDDEN", domainCode: "SCOPE_MISSING" });
    expect(set.error?.message).toBe(
      'This API token lacks the "rollout:write" scope this call needs (it has: read). ' +
        "Create a token with that scope on the console's Users page, or use one that has it.",
    );
    expect(await h.engine.db.prisma.queueConfig.count()).toBe(before);
  });

  it("a scope works only while the token's owner keeps the role it needs", async () => {
    const operator = await person("OPERATOR");
    const steering = await tokenOf(operator.cookie, ["rollout:write"]);
    const set = () =>
      asToken(steering, "rollout.set", "mutation", { shadowMode: false, reason: "scope check" });
    expect((await set()).status).toBe(200);
    await h.engine.db.prisma.user.update({ where: { id: operator.id }, data: { role: "VIEWER" } });
    const demoted = await set();
    expect(refusal(demoted)).toEqual({ status: 403, code: "FORBIDDEN", domainCode: null });
    expect(demoted.error?.message).toBe("This needs the operator role; you are viewer.");
  });

  it("an admin's token with every scope cannot administer accounts nor mint tokens: 403 SESSION_REQUIRED, nothing changes", async () => {
    const admin = await person("ADMIN");
    const everything = await tokenOf(admin.cookie, [...TOKEN_SCOPE_NAMES]);
    const target = await person("VIEWER");
    const prisma = h.engine.db.prisma;
    const before = { users: await prisma.user.count(), tokens: await prisma.apiToken.count() };
    const change = { userId: target.id, reason: "leaked token" };
    for (const [path, type, input] of [
      [
        "users.create",
        "mutation",
        { email: "minted@example.com", password: "velvet tractor monsoon", role: "ADMIN" },
      ],
      ["users.setRole", "mutation", { userId: target.id, role: "ADMIN" }],
      ["users.resetPassword", "mutation", { ...change, password: "velvet tractor monsoon" }],
      ["users.disable", "mutation", change],
      ["users.enable", "mutation", change],
      ["users.revokeSessions", "mutation", change],
      ["users.revokeTokens", "mutation", change],
      ["users.list", "query", undefined],
      ["users.sessions", "query", { userId: target.id }],
      ["users.tokens", "query", { userId: target.id }],
      ["auth.createToken", "mutation", { name: "another", scopes: ["admin"] }],
    ] as const) {
      const response = await asToken(everything, path, type, input);
      expect([path, refusal(response)]).toEqual([
        path,
        { status: 403, code: "FORBIDDEN", domainCode: "SESSION_REQUIRED" },
      ]);
    }
    expect({ users: await prisma.user.count(), tokens: await prisma.apiToken.count() }).toEqual(before);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      role: "VIEWER",
      disabledAt: null,
    });
    // The same admin, signed in, does it.
    expect((await asSession(admin.cookie, "users.list", "query")).status).toBe(200);
  });
});

describe("creating a token with scopes", () => {
  it("the token holds exactly the scopes picked; the owner's list and auth.me show them", async () => {
    const operator = await person("OPERATOR");
    const created = await asSession(operator.cookie, "auth.createToken", "mutation", {
      name: "deploys",
      scopes: ["rollout:write", "read", "read"],
    });
    expect(created.data).toMatchObject({ name: "deploys", scopes: ["read", "rollout:write"] });
    const { id, token } = created.data as { id: string; token: string };
    const listed = (await asSession(operator.cookie, "auth.tokens", "query")).data as Array<{ id: string }>;
    expect(listed.find((t) => t.id === id)).toMatchObject({ scopes: ["read", "rollout:write"] });
    expect((await asToken(token, "auth.me", "query")).data).toMatchObject({
      scopes: ["read", "rollout:write"],
    });
    const audit = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "api_token.create", subjectId: id },
    });
    expect(audit).toMatchObject({ actor: operator.email, after: { scopes: ["read", "rollout:write"] } });
  });

  it("scopes beyond the creator's role: 403 SCOPE_NOT_ALLOWED with a sentence; none or unknown: 400; nothing created", async () => {
    const viewer = await person("VIEWER");
    const operator = await person("OPERATOR");
    const before = await h.engine.db.prisma.apiToken.count();

    const viewerAsks = await asSession(viewer.cookie, "auth.createToken", "mutation", {
      name: "producer",
      scopes: ["read", "orders:submit"],
    });
    expect(refusal(viewerAsks)).toEqual({ status: 403, code: "FORBIDDEN", domainCode: "SCOPE_NOT_ALLOWED" });
    expect(viewerAsks.error?.message).toBe(
      "A viewer cannot grant orders:submit (needs operator): a token never does more than its creator's role. Leave it out, or ask an admin for that role.",
    );
    expect(viewerAsks.error?.data.details).toEqual({ scopes: ["orders:submit"], role: "VIEWER" });
    const operatorAsks = await asSession(operator.cookie, "auth.createToken", "mutation", {
      name: "salt",
      scopes: ["admin"],
    });
    expect(refusal(operatorAsks).domainCode).toBe("SCOPE_NOT_ALLOWED");

    for (const scopes of [[], ["superuser"], undefined]) {
      const bad = await asSession(operator.cookie, "auth.createToken", "mutation", { name: "bad", scopes });
      expect([scopes, refusal(bad)]).toEqual([
        scopes,
        { status: 400, code: "BAD_REQUEST", domainCode: "INVALID_INPUT" },
      ]);
    }
    expect(await h.engine.db.prisma.apiToken.count()).toBe(before);
  });

  it("auth.tokenScopes lists every scope with what it allows and whether the caller may grant it", async () => {
    const viewer = await person("VIEWER");
    const admin = await person("ADMIN");
    const grantable = async (cookie: string) =>
      (
        (await asSession(cookie, "auth.tokenScopes", "query")).data as Array<{
          scope: string;
          grantable: boolean;
        }>
      )
        .filter((s) => s.grantable)
        .map((s) => s.scope);
    expect(await grantable(viewer.cookie)).toEqual(["read"]);
    expect(await grantable(admin.cookie)).toEqual([...TOKEN_SCOPE_NAMES]);
    const catalog = (await asSession(viewer.cookie, "auth.tokenScopes", "query")).data as Array<{
      scope: string;
      allows: string;
      suggestedForProducers: boolean;
    }>;
    expect(catalog.map((s) => s.scope)).toEqual([...TOKEN_SCOPE_NAMES]);
    expect(catalog.every((s) => s.allows.length > 10)).toBe(true);
    expect(catalog.filter((s) => s.suggestedForProducers).map((s) => s.scope)).toEqual(["orders:submit"]);
  });
});
