import { DomainError } from "@qmc/core";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "./secrets.ts";
import { resolveSession, signIn, signOut } from "./sessions.ts";
import { createUser, type PublicUser } from "./users.ts";

let db: TestDatabase;
let ada: PublicUser;
const PASSWORD = "ada's long password";
const ttl = { ttlMs: 60 * 60_000 };

beforeAll(async () => {
  db = await createTestDatabase("auth_sessions");
  ada = await createUser(
    db.prisma,
    { email: "ada@example.com", password: PASSWORD, role: "OPERATOR" },
    { actor: "test" },
  );
  const disabled = await createUser(
    db.prisma,
    { email: "gone@example.com", password: PASSWORD, role: "ADMIN" },
    { actor: "test" },
  );
  await db.prisma.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
});
afterAll(async () => {
  await db.drop();
});

async function signInError(email: string, password: string): Promise<DomainError> {
  const e = await signIn(db.prisma, { email, password }, ttl).then(
    () => null,
    (error: unknown) => error,
  );
  if (!(e instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(e)}`);
  return e;
}

describe("signIn", () => {
  it("opens a session whose token resolves to the user; the database holds only its hash", async () => {
    const before = Date.now();
    const result = await signIn(
      db.prisma,
      { email: " ADA@example.com", password: PASSWORD, userAgent: "vitest" },
      ttl,
    );
    expect(result.user).toEqual({
      id: ada.id,
      email: "ada@example.com",
      role: "OPERATOR",
      via: "session",
      mustChangePassword: false,
    });
    expect(Buffer.from(result.token, "base64url")).toHaveLength(32);
    expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(before + ttl.ttlMs);

    const rows = await db.prisma.session.findMany({ where: { userId: ada.id } });
    expect(rows.map((r) => r.id)).toContain(sha256Hex(result.token));
    expect(JSON.stringify(rows)).not.toContain(result.token);
    expect(await resolveSession(db.prisma, result.token)).toEqual(result.user);
  });

  it("gives one INVALID_CREDENTIALS message for wrong password, unknown email and disabled user", async () => {
    const errors = [
      await signInError("ada@example.com", "not ada's password"),
      await signInError("nobody@example.com", PASSWORD),
      await signInError("gone@example.com", PASSWORD),
      await signInError("not an email", PASSWORD),
      await signInError("ada@example.com", "x".repeat(10_000)),
    ];
    for (const e of errors) expect(e.code).toBe("INVALID_CREDENTIALS");
    expect(new Set(errors.map((e) => e.message)).size).toBe(1);
    expect(errors[0]?.message).toMatch(/try again/);
  });

  it("audits every attempt with the email tried and whether it worked", async () => {
    await signInError("Mallory@Example.com", "guessing a password");
    const failed = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "auth.sign_in", actor: "mallory@example.com" },
    });
    expect(failed).toMatchObject({ after: { ok: false }, actorUserId: null });

    await signIn(db.prisma, { email: "ada@example.com", password: PASSWORD }, ttl);
    const ok = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "auth.sign_in", actor: "ada@example.com" },
      orderBy: { id: "desc" },
    });
    expect(ok).toMatchObject({ after: { ok: true }, actorUserId: ada.id, subjectId: ada.id });
  });
});

describe("resolveSession", () => {
  it("returns null for unknown, empty and oversized tokens", async () => {
    expect(await resolveSession(db.prisma, "unknown-token")).toBeNull();
    expect(await resolveSession(db.prisma, "")).toBeNull();
    expect(await resolveSession(db.prisma, "x".repeat(5000))).toBeNull();
  });

  it("returns null once the session has expired", async () => {
    const { token } = await signIn(db.prisma, { email: "ada@example.com", password: PASSWORD }, ttl);
    await db.prisma.session.update({
      where: { id: sha256Hex(token) },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await resolveSession(db.prisma, token)).toBeNull();
  });

  it("returns null once the user is disabled, and reads the role live", async () => {
    const user = await createUser(
      db.prisma,
      { email: "temp@example.com", password: PASSWORD, role: "VIEWER" },
      { actor: "test" },
    );
    const { token } = await signIn(db.prisma, { email: "temp@example.com", password: PASSWORD }, ttl);
    await db.prisma.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
    expect((await resolveSession(db.prisma, token))?.role).toBe("ADMIN");
    await db.prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await resolveSession(db.prisma, token)).toBeNull();
  });

  it("refreshes lastSeenAt at most once a minute", async () => {
    const { token } = await signIn(db.prisma, { email: "ada@example.com", password: PASSWORD }, ttl);
    const id = sha256Hex(token);
    const recent = new Date(Date.now() - 30_000);
    await db.prisma.session.update({ where: { id }, data: { lastSeenAt: recent } });
    await resolveSession(db.prisma, token);
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id } })).lastSeenAt).toEqual(recent);

    const old = new Date(Date.now() - 5 * 60_000);
    await db.prisma.session.update({ where: { id }, data: { lastSeenAt: old } });
    await resolveSession(db.prisma, token);
    const refreshed = (await db.prisma.session.findUniqueOrThrow({ where: { id } })).lastSeenAt;
    expect(refreshed.getTime()).toBeGreaterThan(Date.now() - 10_000);
  });
});

describe("signOut", () => {
  it("deletes the session, audits it, and ignores unknown tokens", async () => {
    const { token } = await signIn(db.prisma, { email: "ada@example.com", password: PASSWORD }, ttl);
    await signOut(db.prisma, token);
    expect(await resolveSession(db.prisma, token)).toBeNull();
    expect(await db.prisma.session.count({ where: { id: sha256Hex(token) } })).toBe(0);
    expect(
      await db.prisma.auditEvent.count({ where: { action: "auth.sign_out", actorUserId: ada.id } }),
    ).toBe(1);
    await expect(signOut(db.prisma, token)).resolves.toBeUndefined();
  });
});
