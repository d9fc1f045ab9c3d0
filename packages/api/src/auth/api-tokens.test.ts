import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken, listApiTokens, resolveApiToken, revokeApiToken } from "./api-tokens.ts";
import { sha256Hex } from "./secrets.ts";
import { createUser, type PublicUser } from "./users.ts";

let db: TestDatabase;
let bot: PublicUser;
const actor = { actor: "root@example.com" };

beforeAll(async () => {
  db = await createTestDatabase("auth_api_tokens");
  bot = await createUser(
    db.prisma,
    { email: "ci@example.com", password: "a long enough password", role: "OPERATOR" },
    actor,
  );
});
afterAll(async () => {
  await db.drop();
});

describe("createApiToken", () => {
  it("returns qmc_<prefix>_<secret> once and stores only its hash and prefix", async () => {
    const created = await createApiToken(
      db.prisma,
      { userId: bot.id, name: " CI deploys ", scopes: ["orders:submit", "read"] },
      actor,
    );
    expect(created.token).toMatch(/^qmc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    expect(created.name).toBe("CI deploys");
    expect(created.scopes).toEqual(["read", "orders:submit"]);

    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(sha256Hex(created.token));
    expect(row.prefix).toBe(created.prefix);
    expect(row.scopes).toEqual(["read", "orders:submit"]);
    expect(JSON.stringify(row)).not.toContain(created.token);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { subjectId: created.id } });
    expect(audit).toMatchObject({ action: "api_token.create", actor: actor.actor, subjectType: "ApiToken" });
    expect(audit.after).toMatchObject({ scopes: ["read", "orders:submit"] });
    expect(JSON.stringify(audit.after)).not.toContain(created.token);
  });

  it("throws USER_NOT_FOUND for an unknown user", async () => {
    await expect(
      createApiToken(
        db.prisma,
        { userId: "00000000-0000-0000-0000-000000000000", name: "x", scopes: ["read"] },
        actor,
      ),
    ).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
  });
});

describe("resolveApiToken", () => {
  it("resolves to the user via token and records use at most once a minute", async () => {
    const created = await createApiToken(
      db.prisma,
      { userId: bot.id, name: "resolve", scopes: ["read"] },
      actor,
    );
    expect(await resolveApiToken(db.prisma, created.token)).toEqual({
      id: bot.id,
      email: "ci@example.com",
      role: "OPERATOR",
      via: "token",
      tokenId: created.id,
      scopes: ["read"],
      mustChangePassword: false,
    });
    const firstUse = (await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt;
    expect(firstUse).not.toBeNull();
    await resolveApiToken(db.prisma, created.token);
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).toEqual(
      firstUse,
    );
  });

  it("returns null for unknown, malformed and tampered tokens", async () => {
    const created = await createApiToken(
      db.prisma,
      { userId: bot.id, name: "tamper", scopes: ["read"] },
      actor,
    );
    const last = created.token.at(-1) === "A" ? "B" : "A";
    expect(await resolveApiToken(db.prisma, `${created.token.slice(0, -1)}${last}`)).toBeNull();
    expect(await resolveApiToken(db.prisma, "qmc_00000000_nope")).toBeNull();
    expect(await resolveApiToken(db.prisma, created.token.slice(4))).toBeNull();
    expect(await resolveApiToken(db.prisma, "")).toBeNull();
  });

  it("returns null once revoked; revoking twice writes one audit event", async () => {
    const created = await createApiToken(
      db.prisma,
      { userId: bot.id, name: "revoke me", scopes: ["read"] },
      actor,
    );
    expect(await revokeApiToken(db.prisma, created.id, actor)).toBe(true);
    expect(await revokeApiToken(db.prisma, created.id, actor)).toBe(false);
    expect(await resolveApiToken(db.prisma, created.token)).toBeNull();
    expect(
      await db.prisma.auditEvent.count({ where: { action: "api_token.revoke", subjectId: created.id } }),
    ).toBe(1);
    expect(await revokeApiToken(db.prisma, "no-such-token", actor)).toBe(false);
  });

  it("returns null once expired", async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const created = await createApiToken(
      db.prisma,
      { userId: bot.id, name: "short", scopes: ["read"], expiresAt },
      actor,
    );
    expect(await resolveApiToken(db.prisma, created.token)).not.toBeNull();
    await db.prisma.apiToken.update({
      where: { id: created.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await resolveApiToken(db.prisma, created.token)).toBeNull();
  });

  it("returns null when the owner is disabled", async () => {
    const owner = await createUser(
      db.prisma,
      { email: "leaver@example.com", password: "a long enough password", role: "VIEWER" },
      actor,
    );
    const created = await createApiToken(
      db.prisma,
      { userId: owner.id, name: "leaver", scopes: ["read"] },
      actor,
    );
    await db.prisma.user.update({ where: { id: owner.id }, data: { disabledAt: new Date() } });
    expect(await resolveApiToken(db.prisma, created.token)).toBeNull();
  });
});

describe("listApiTokens", () => {
  it("lists a user's tokens newest first without hashes", async () => {
    const tokens = await listApiTokens(db.prisma, bot.id);
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    for (const token of tokens) {
      expect(token).not.toHaveProperty("tokenHash");
      expect(token.prefix).toMatch(/^qmc_[0-9a-f]{8}$/);
      expect(token.scopes.length).toBeGreaterThan(0);
    }
    const times = tokens.map((t) => t.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
