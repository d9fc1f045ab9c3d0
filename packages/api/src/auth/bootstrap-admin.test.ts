import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BOOTSTRAP_LOCK_NAME, DEFAULT_ADMIN_EMAIL, ensureFirstAdmin } from "./bootstrap-admin.ts";
import { verifyPassword } from "./passwords.ts";
import { createUser } from "./users.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("auth_bootstrap");
});
afterAll(async () => {
  await db.drop();
});
// Each case starts from an install without users.
afterEach(async () => {
  await db.prisma.user.deleteMany();
  await db.prisma.auditEvent.deleteMany();
});

function collector(): { messages: string[]; announce: (message: string) => void } {
  const messages: string[] = [];
  return { messages, announce: (message) => messages.push(message) };
}

describe("ensureFirstAdmin", () => {
  it("creates admin@localhost with a generated password, announced once", async () => {
    const first = collector();
    const result = await ensureFirstAdmin(db.prisma, {}, first.announce);
    expect(result.created).toBe(true);
    expect(result.email).toBe(DEFAULT_ADMIN_EMAIL);
    const password = result.generatedPassword ?? "";
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(first.messages).toHaveLength(1);
    expect(first.messages[0]).toContain(`${DEFAULT_ADMIN_EMAIL} / ${password}`);
    expect(first.messages[0]).toMatch(/change/);

    const admin = await db.prisma.user.findUniqueOrThrow({ where: { email: DEFAULT_ADMIN_EMAIL } });
    expect(admin.role).toBe("ADMIN");
    // A password printed on a terminal is only good for the first sign-in.
    expect(admin.mustChangePassword).toBe(true);
    expect(first.messages[0]).toMatch(/must be changed at the first sign-in/);
    expect(await verifyPassword(admin.passwordHash, password)).toBe(true);
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "user.bootstrap_admin" } });
    expect(event).toMatchObject({ actor: "system", subjectType: "User", subjectId: admin.id });
    expect(JSON.stringify(event.after)).not.toContain(password);

    const second = collector();
    const again = await ensureFirstAdmin(db.prisma, {}, second.announce);
    expect(again).toEqual({ created: false, email: DEFAULT_ADMIN_EMAIL });
    expect(second.messages).toEqual([]);
    expect(await db.prisma.user.count()).toBe(1);
  });

  it("uses the configured email and password and does not print the password", async () => {
    const out = collector();
    const result = await ensureFirstAdmin(
      db.prisma,
      { email: "Ops@Example.com", password: "configured admin password" },
      out.announce,
    );
    expect(result).toEqual({ created: true, email: "ops@example.com" });
    const admin = await db.prisma.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    expect(await verifyPassword(admin.passwordHash, "configured admin password")).toBe(true);
    expect(admin.mustChangePassword).toBe(false);
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0]).not.toContain("configured admin password");
  });

  it("does nothing when an admin already exists, even with other options", async () => {
    await createUser(
      db.prisma,
      { email: "boss@example.com", password: "a long enough password", role: "ADMIN" },
      { actor: "test" },
    );
    const out = collector();
    const result = await ensureFirstAdmin(db.prisma, { email: "new@example.com" }, out.announce);
    expect(result).toEqual({ created: false, email: "boss@example.com" });
    expect(out.messages).toEqual([]);
    expect(await db.prisma.user.count()).toBe(1);
  });

  it("refuses a weak configured password", async () => {
    await expect(ensureFirstAdmin(db.prisma, { password: "short" }, () => {})).rejects.toMatchObject({
      code: "WEAK_PASSWORD",
    });
    await expect(ensureFirstAdmin(db.prisma, { password: "password1234" }, () => {})).rejects.toMatchObject({
      code: "WEAK_PASSWORD",
    });
    expect(await db.prisma.user.count()).toBe(0);
  });

  it("accepts the e2e suite's configured admin password", async () => {
    // e2e/playwright.config.ts starts the app with these; the rule must keep accepting them.
    const result = await ensureFirstAdmin(
      db.prisma,
      { email: "e2e-admin@example.com", password: "e2e admin password 1234" },
      () => {},
    );
    expect(result.created).toBe(true);
  });

  it("refuses to take over an existing non-admin account with the configured email", async () => {
    await createUser(
      db.prisma,
      { email: "viewer@example.com", password: "a long enough password", role: "VIEWER" },
      { actor: "test" },
    );
    await expect(
      ensureFirstAdmin(db.prisma, { email: "viewer@example.com" }, () => {}),
    ).rejects.toMatchObject({
      code: "EMAIL_TAKEN",
    });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { email: "viewer@example.com" } })).role).toBe(
      "VIEWER",
    );
  });

  it("makes exactly one admin when processes start at once", async () => {
    const out = collector();
    const results = await Promise.all([
      ensureFirstAdmin(db.prisma, {}, out.announce),
      ensureFirstAdmin(db.prisma, {}, out.announce),
      ensureFirstAdmin(db.prisma, {}, out.announce),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.filter((r) => r.generatedPassword !== undefined)).toHaveLength(1);
    expect(out.messages).toHaveLength(1);
    expect(await db.prisma.user.count({ where: { role: "ADMIN" } })).toBe(1);
  });

  it("makes exactly one admin even when racing processes are configured with different emails", async () => {
    const emails = ["a@example.com", "b@example.com", "c@example.com", "d@example.com"];
    const results = await Promise.all(
      emails.map((email) => ensureFirstAdmin(db.prisma, { email }, () => {})),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db.prisma.user.count({ where: { role: "ADMIN" } })).toBe(1);
  });

  it("re-checks under the lock, so an admin committed by another process meanwhile wins", async () => {
    let pending: Promise<unknown> | undefined;
    await db.prisma.$transaction(
      async (tx) => {
        // Play the other process: hold the bootstrap lock while creating an admin of its own.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${BOOTSTRAP_LOCK_NAME}))`;
        await tx.user.create({ data: { email: "other@example.com", passwordHash: "x", role: "ADMIN" } });
        pending = ensureFirstAdmin(db.prisma, { email: "late@example.com" }, () => {});
        await waitForLockWaiter();
      },
      { timeout: 20_000 },
    );
    expect(await pending).toEqual({ created: false, email: "other@example.com" });
    expect(await db.prisma.user.count({ where: { role: "ADMIN" } })).toBe(1);
  });
});

/** Resolves once some session waits on an advisory lock, i.e. ensureFirstAdmin is blocked. */
async function waitForLockWaiter(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const rows = await db.prisma.$queryRaw<{ waiting: bigint }[]>`
      SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;
    if ((rows[0]?.waiting ?? 0n) > 0n) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("ensureFirstAdmin never waited for the bootstrap lock");
}
