import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as ClientModule from "./client.ts";
import { createTestDatabase, type TestDatabase } from "./testing/index.ts";

/**
 * Next bundles a workspace package once per server layer (route handlers, server rendering), so
 * one process can hold two copies of this module while sharing one client through globalThis.
 * A client made by one copy must run prepared statements through the other: the console's
 * server renders of health.phase and comparison.stats failed with "queryPrepared needs a client
 * made by createPrismaClient" when the /api routes had made the client (issue 14, item 5c).
 */
let db: TestDatabase;
let otherCopy: typeof ClientModule;

beforeAll(async () => {
  db = await createTestDatabase("client_copies");
  // A query string makes Vite load the file again as a module of its own, as a second bundle does.
  const secondBundle = "./client.ts?second-bundle";
  otherCopy = (await import(/* @vite-ignore */ secondBundle)) as typeof ClientModule;
});
afterAll(() => db.drop());

describe("two copies of the client module in one process", () => {
  it("are really two module instances (else this test proves nothing)", async () => {
    const firstCopy = await import("./client.ts");
    expect(otherCopy.queryPrepared).not.toBe(firstCopy.queryPrepared);
  });

  it("a client made by one copy runs prepared statements through the other", async () => {
    const rows = await otherCopy.queryPrepared<{ answer: number }>(
      db.prisma,
      { name: "test_module_copies", text: "select 42::int as answer" },
      [],
    );
    expect(rows).toEqual([{ answer: 42 }]);
  });

  it("and the other way round", async () => {
    const prisma = otherCopy.createPrismaClient({ databaseUrl: db.url, maxConnections: 1 });
    try {
      const { queryPrepared } = await import("./client.ts");
      expect(
        await queryPrepared(prisma, { name: "test_module_copies_back", text: "select 7::int as n" }, []),
      ).toEqual([{ n: 7 }]);
    } finally {
      await prisma.$disconnect();
    }
  });
});
