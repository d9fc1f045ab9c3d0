import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  createPrismaClient,
  dropDatabase,
  ensureDatabase,
  type PrismaClient,
  withDatabaseName,
} from "@qmc/db";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from "@qmc/db/migrations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopesGrantableBy } from "./auth/scopes.ts";

/**
 * The token_scopes migration on a database that already has API tokens: each keeps what its
 * owner's role allowed (so producers and scrapers keep working after the upgrade) — and no scope
 * allows account administration any more.
 */
const MIGRATION = "token_scopes";
const server = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const url = withDatabaseName(server, `qmc_test_token_scopes_migration_${process.pid}_${Date.now()}`);
let before: string;
let prisma: PrismaClient | undefined;

beforeAll(async () => {
  await ensureDatabase(url);
  // The migrations as they were just before this one.
  before = await mkdtemp(path.join(os.tmpdir(), "qmc-before-scopes-"));
  const names = (await readdir(DEFAULT_MIGRATIONS_DIR)).sort();
  const cut = names.findIndex((name) => name.endsWith(`_${MIGRATION}`));
  expect(cut).toBeGreaterThan(0);
  for (const name of names.slice(0, cut)) {
    await cp(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
  }
});
afterAll(async () => {
  await prisma?.$disconnect();
  await dropDatabase(url);
  await rm(before, { recursive: true, force: true });
});

describe(`the ${MIGRATION} migration`, () => {
  it("gives every existing token the scopes its owner's role could grant", async () => {
    await applyMigrations(url, before);
    // Raw SQL: the generated client knows the new schema, these rows are written in the old one.
    const db = createPrismaClient({ databaseUrl: url, maxConnections: 1 });
    prisma = db;
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

    const { applied } = await applyMigrations(url);
    expect(applied.map((name) => name.replace(/^\d+_/, ""))).toContain(MIGRATION);
    const rows = await db.$queryRawUnsafe(`SELECT id, scopes FROM "ApiToken" ORDER BY id`);
    expect(rows).toEqual([
      { id: "t-ADMIN", scopes: scopesGrantableBy("ADMIN") },
      { id: "t-OPERATOR", scopes: scopesGrantableBy("OPERATOR") },
      { id: "t-VIEWER", scopes: scopesGrantableBy("VIEWER") },
    ]);
  });
});
