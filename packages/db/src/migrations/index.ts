// Node-only tooling (reads prisma/migrations from disk): kept out of the main entry so the
// web bundle never pulls in filesystem paths.
export { type ApplyMigrationsResult, applyMigrations, MigrationError } from "./apply-migrations.ts";
export { DEFAULT_MIGRATIONS_DIR, type MigrationFile, readMigrations } from "./read-migrations.ts";
