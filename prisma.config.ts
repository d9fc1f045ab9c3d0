// Prisma 7 configuration, used only by `prisma generate` (packages/db "generate" script).
// Migrations are applied by our own offline applier (packages/db/src/migrations), because
// Prisma 7's migrate commands need a schema engine downloaded from the internet.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/queue_migration" },
});
