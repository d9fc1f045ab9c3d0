import type { TestDatabase } from "@qmc/db/testing";

/** "EVENT→STATE" per transition, oldest first: compact to assert whole histories. */
export async function transitionHistory(db: TestDatabase, workOrderId: string): Promise<string[]> {
  const rows = await db.prisma.stateTransition.findMany({ where: { workOrderId }, orderBy: { id: "asc" } });
  return rows.map((r) => `${r.event}→${r.toState}`);
}

export async function legacyHistory(db: TestDatabase, workOrderId: string): Promise<string[]> {
  const rows = await db.prisma.legacyStatusChange.findMany({
    where: { workOrderId },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => r.toStatus);
}

/** Ids whose synthetic plan fails on the given attempts and succeeds on the others. */
export function idsFailingOn(
  plan: (id: string, attempt: number) => number,
  failingAttempts: number[],
  attempts: number,
  count: number,
): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const id = `order-${i}-${failingAttempts.join("")}`;
    const fits = Array.from({ length: attempts }, (_, k) => k + 1).every(
      (a) => (plan(id, a) !== 0) === failingAttempts.includes(a),
    );
    if (fits) ids.push(id);
  }
  return ids;
}

export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
