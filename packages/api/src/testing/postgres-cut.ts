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
        let settled: string | undefined;
        pending = call();
        pending.then(
          (value) => {
            settled = `returned ${JSON.stringify(value)?.slice(0, 500)}`;
          },
          (error: unknown) => {
            settled = `threw ${String(error)}`;
          },
        );
        // Generous: on a loaded CI machine the call may take seconds to reach the table.
        const deadline = Date.now() + 20_000;
        for (;;) {
          // Only the sessions queued behind this lock: anything else waiting is not the call.
          const waiting = await tx.$queryRaw<Array<{ pid: number }>>`
            select pid from pg_locks
            where relation = ${`"${table}"`}::regclass and not granted and pid <> pg_backend_pid()`;
          if (waiting.length > 0) {
            if (cut === "terminate") {
              for (const { pid } of waiting) await tx.$queryRaw`select pg_terminate_backend(${pid}::int)`;
            } else {
              await cut();
            }
            return;
          }
          if (settled !== undefined) {
            throw new Error(`the call never waited on the lock of ${table}: it ${settled}`);
          }
          if (Date.now() > deadline) throw new Error(`nothing waited on the lock of ${table} in 20 s`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      { timeout: 30_000 },
    );
    return await (pending as Promise<T>);
  } finally {
    await admin.$disconnect();
  }
}
