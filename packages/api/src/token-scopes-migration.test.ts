import { createDatabaseBeforeMigration, type DatabaseBeforeMigration } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopesGrantableBy } from "./auth/scopes.ts";

/**
 * The token_scopes migration on a database that already has API tokens: each keeps what its
 * owner's role allowed (so producers and scrapers keep working after the upgrade) — and no scope
 * allows account administration any more.
 */
const MIGRATION = "token_scopes";
let old: DatabaseBeforeMigration;

beforeAll(async () => {
  old = await createDatabaseBeforeMigration(MIGRATION);
});
afterAll(() => old.drop());

describe(`the ${MIGRATION} migration`, () => {
  it("gives every existing token the scopes its owner's role could grant", async () => {
    // Raw SQL: the generated client knows the new schema, these rows are written in the old one.
    const db = old.prisma;
    for (const role of ["VIEWER", "OPERATOR", "ADMIN"]) {
      await db.$executeRawUnsafe(
        `INSERT INTO "User" (id, email, "passwordHash", role) VALUES ($1, $2, 'x', $3::"Role")`,
        `u-${role}`,
        `${role.toLowerCase()}@example.com`,
        role,
      );
      await db.$executeRawUnsafe(
        `INSERT INTO "ApiToken" (id, "userId", name, "tokenHash", prefix) VALUES ($1, $2, 'old', $3, 'qmc_0')`,
        `t-${role}`,
        `u-${role}`,
        `hash-${role}`,
      );
    }

    const { applied } = await old.upgrade();
    expect(applied.map((name) => name.replace(/^\d+_/, ""))).toContain(MIGRATION);
    const rows = await db.$queryRawUnsafe(`SELECT id, scopes FROM "ApiToken" ORDER BY id`);
    expect(rows).toEqual([
      { id: "t-ADMIN", scopes: scopesGrantableBy("ADMIN") },
      { id: "t-OPERATOR", scopes: scopesGrantableBy("OPERATOR") },
      { id: "t-VIEWER", scopes: scopesGrantableBy("VIEWER") },
    ]);
  });
});
