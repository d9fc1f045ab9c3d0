import type { TestDatabase } from "@qmc/db/testing";

/**
 * Locks a legacy order's row from the test until released: the batch of a background run that
 * would move it waits on the lock, so "in the middle of a run" is a state the test observes, not
 * a moment it guesses. Resolves once the lock is held; call the returned function to let go.
 */
export async function holdLegacyRow(db: TestDatabase, id: string): Promise<() => Promise<void>> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked = () => {};
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const held = db.prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT id FROM "LegacyWorkOrder" WHERE id = ${id} FOR UPDATE`;
      locked();
      await gate;
    },
    { timeout: 60_000 },
  );
  await isLocked;
  return async () => {
    release();
    await held;
  };
}
