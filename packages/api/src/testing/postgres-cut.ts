import { createPrismaClient } from "@qmc/db";

/**
 * Loses the database in the middle of `call`, deterministically: `table` is locked so the call's
 * statement waits inside Postgres; once it waits, its connection is cut — `"terminate"` ends the
 * backend as an administrator or a failover does (57P01), a function cuts the network — and the
 * lock is released. Resolves with the call's own outcome.
 */
export async function cutWhileWaiting<T>(
  databaseUrl: string,
  table: string,
  call: () => Promise<T>,
  cut: "terminate" | (() => Promise<void>),
): Promise<T> {
  const admin = createPrismaClient({ databaseUrl, maxConnections: 1 });
  try {
    let pending: Promise<T> | undefined;
    await admin.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`lock table "${table}" in access exclusive mode`);
        pending = call();
        pending.catch(() => {}); // awaited below
        const deadline = Date.now() + 10_000;
        for (;;) {
          const waiting = await tx.$queryRaw<Array<{ pid: number }>>`
            select pid from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`;
          if (waiting.length > 0) {
            if (cut === "terminate") {
              for (const { pid } of waiting) await tx.$queryRaw`select pg_terminate_backend(${pid}::int)`;
            } else {
              await cut();
            }
            return;
          }
          if (Date.now() > deadline) throw new Error(`nothing waited on the lock of ${table}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      { timeout: 20_000 },
    );
    return await (pending as Promise<T>);
  } finally {
    await admin.$disconnect();
  }
}
