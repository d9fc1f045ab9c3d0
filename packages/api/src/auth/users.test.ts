import { DomainError } from "@qmc/core";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, listUsers, setUserRole } from "./users.ts";

let db: TestDatabase;
const admin = { actor: "root@example.com", actorUserId: "admin-id" };

beforeAll(async () => {
  db = await createTestDatabase("auth_users");
});
afterAll(async () => {
  await db.drop();
});

async function errorCode(promise: Promise<unknown>): Promise<string> {
  const e = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  return e instanceof DomainError ? e.code : `unexpected: ${String(e)}`;
}

describe("createUser", () => {
  it("creates a user with a normalised email and never returns the hash", async () => {
    const user = await createUser(
      db.prisma,
      { email: " Grace@Example.com ", password: "a long enough password", role: "OPERATOR", name: "Grace" },
      admin,
    );
    expect(user).toMatchObject({
      email: "grace@example.com",
      role: "OPERATOR",
      name: "Grace",
      disabledAt: null,
    });
    expect(user).not.toHaveProperty("passwordHash");

    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(row.passwordHash).not.toContain("a long enough password");
  });

  it("writes a user.create audit row without the password or its hash", async () => {
    const user = await createUser(
      db.prisma,
      { email: "audited@example.com", password: "another long password", role: "VIEWER" },
      admin,
    );
    const events = await db.prisma.auditEvent.findMany({
      where: { subjectType: "User", subjectId: user.id },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "user.create",
      actor: admin.actor,
      actorUserId: admin.actorUserId,
      after: { email: "audited@example.com", role: "VIEWER", name: null },
    });
    expect(JSON.stringify(events.map((e) => [e.before, e.after]))).not.toMatch(
      /argon2|another long password/,
    );
  });

  it("refuses a duplicate email whatever its case, and audits nothing for it", async () => {
    const input = { email: "dup@example.com", password: "a long enough password", role: "VIEWER" as const };
    await createUser(db.prisma, input, admin);
    const before = await db.prisma.auditEvent.count();
    expect(await errorCode(createUser(db.prisma, { ...input, email: "DUP@Example.COM" }, admin))).toBe(
      "EMAIL_TAKEN",
    );
    expect(await db.prisma.auditEvent.count()).toBe(before);
    expect(await db.prisma.user.count({ where: { email: "dup@example.com" } })).toBe(1);
  });

  it("gives EMAIL_TAKEN to the loser when two creations race", async () => {
    const input = { email: "race@example.com", password: "a long enough password", role: "VIEWER" as const };
    const results = await Promise.allSettled([
      createUser(db.prisma, input, admin),
      createUser(db.prisma, input, admin),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(
      rejected?.status === "rejected" && rejected.reason instanceof DomainError && rejected.reason.code,
    ).toBe("EMAIL_TAKEN");
  });

  it("validates email and password before touching the database", async () => {
    expect(
      await errorCode(
        createUser(db.prisma, { email: "bad", password: "a long enough password", role: "VIEWER" }, admin),
      ),
    ).toBe("INVALID_EMAIL");
    expect(
      await errorCode(
        createUser(db.prisma, { email: "weak@example.com", password: "short", role: "VIEWER" }, admin),
      ),
    ).toBe("WEAK_PASSWORD");
    expect(await db.prisma.user.count({ where: { email: "weak@example.com" } })).toBe(0);
  });
});

describe("listUsers", () => {
  it("lists users by email without hashes", async () => {
    const users = await listUsers(db.prisma);
    const emails = users.map((u) => u.email);
    expect(emails).toEqual([...emails].sort());
    expect(emails).toContain("grace@example.com");
    for (const user of users) expect(user).not.toHaveProperty("passwordHash");
  });
});

describe("setUserRole", () => {
  it("changes the role and audits before and after", async () => {
    const user = await createUser(
      db.prisma,
      { email: "promote@example.com", password: "a long enough password", role: "VIEWER" },
      admin,
    );
    const updated = await setUserRole(db.prisma, user.id, "ADMIN", admin);
    expect(updated.role).toBe("ADMIN");
    expect(updated).not.toHaveProperty("passwordHash");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("ADMIN");
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "user.role", subjectId: user.id },
    });
    expect(event).toMatchObject({ actor: admin.actor, before: { role: "VIEWER" }, after: { role: "ADMIN" } });
  });

  it("writes nothing when the role is unchanged", async () => {
    const user = await createUser(
      db.prisma,
      { email: "same@example.com", password: "a long enough password", role: "OPERATOR" },
      admin,
    );
    await setUserRole(db.prisma, user.id, "OPERATOR", admin);
    expect(await db.prisma.auditEvent.count({ where: { action: "user.role", subjectId: user.id } })).toBe(0);
  });

  it("throws USER_NOT_FOUND for an unknown id", async () => {
    expect(
      await errorCode(setUserRole(db.prisma, "00000000-0000-0000-0000-000000000000", "ADMIN", admin)),
    ).toBe("USER_NOT_FOUND");
  });
});
