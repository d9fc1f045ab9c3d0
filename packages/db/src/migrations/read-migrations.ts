import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's prisma/migrations folder. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(
  new URL("../../../../prisma/migrations", import.meta.url),
);

export interface MigrationFile {
  /** Folder name, e.g. `20261129073000_init`; sorts in apply order. */
  name: string;
  sql: string;
  /** Lowercase hex sha256 of migration.sql's bytes, exactly as Prisma computes it. */
  checksum: string;
}

/** Reads `<dir>/<name>/migration.sql` for every migration folder, in name order. */
export async function readMigrations(migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(migrationsDir, name, "migration.sql"));
      return {
        name,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    }),
  );
}
