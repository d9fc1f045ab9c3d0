// `npm run db:migrate [-- --reset]`: create the database if missing and apply every
// migration in prisma/migrations (offline; see README, "Database migrations").
// --reset drops the database first (used by the e2e tests for a clean slate).
import { checkPostgres, DEFAULT_DATABASE_URL, dropDatabase, ensureDatabase, parseDatabaseUrl } from "@qmc/db";
import { applyMigrations } from "@qmc/db/migrations";

export async function migrate(databaseUrl: string, options: { reset?: boolean } = {}): Promise<void> {
  const { databaseName } = parseDatabaseUrl(databaseUrl);
  await checkPostgres(databaseUrl);
  if (options.reset) await dropDatabase(databaseUrl);
  if (await ensureDatabase(databaseUrl)) console.log(`db: created database ${databaseName}`);
  const result = await applyMigrations(databaseUrl);
  const applied = result.applied.length ? `applied ${result.applied.join(", ")}` : "nothing to apply";
  console.log(`db: ${databaseName} is up to date (${applied}; ${result.alreadyApplied} already applied)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  migrate(process.env.DATABASE_URL || DEFAULT_DATABASE_URL, {
    reset: process.argv.includes("--reset"),
  }).catch((error: unknown) => {
    console.error(`db: ${(error as Error).message}`);
    process.exit(1);
  });
}
