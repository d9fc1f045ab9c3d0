#!/usr/bin/env bash
# Author a new SQL migration from prisma/schema.prisma (developer tool; never run by CI).
#
# Why this detour: Prisma 7's migrate commands need a native schema engine downloaded from
# the internet. Prisma 6.19.3 can diff offline through its JS engine + the pg adapter, so we
# install it into a private cache folder (not a project dependency), diff the existing
# migrations against the schema, and write prisma/migrations/<UTC timestamp>_<name>/.
# The result is applied like every other migration by `npm run db:migrate`.
set -euo pipefail
name="${1:-}"
if [[ ! "$name" =~ ^[a-z0-9_]+$ ]]; then
  echo "usage: npm run db:new-migration -- <name_in_snake_case>" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
tool="$root/node_modules/.cache/prisma6-migrate"
pg_host="${PGHOST:-127.0.0.1}" pg_port="${PGPORT:-5432}" pg_user="${PGUSER:-postgres}"
scratch_db="qmc_migration_authoring"

mkdir -p "$tool"
if [ ! -x "$tool/node_modules/.bin/prisma" ]; then
  echo "Installing prisma@6.19.3 into $tool (one time)…"
  (cd "$tool" && npm init -y >/dev/null && npm install --no-save --silent \
    prisma@6.19.3 @prisma/adapter-pg@6.19.3 pg@8.23.1)
fi

# Prisma 6 wants a datasource url and the client engine; add them to a private copy.
sed -e 's/^  provider = "postgresql"$/  provider = "postgresql"\n  url      = env("DATABASE_URL")/' \
    -e 's/^  moduleFormat        = "esm"$/  moduleFormat        = "esm"\n  engineType          = "client"/' \
    "$root/prisma/schema.prisma" > "$tool/schema.prisma"

cat > "$tool/prisma.config.ts" <<TS
import { createRequire } from "node:module";
import { defineConfig } from "prisma/config";
const require = createRequire(import.meta.url);
// prisma/orm#27403: the JS engine misreads the name/char/array-of-name column types.
const result = require("pg/lib/result.js").prototype;
const addFields = result.addFields;
result.addFields = function (fields: Array<{ dataTypeID: number }>) {
  for (const f of fields) {
    if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
    if (f.dataTypeID === 1003) f.dataTypeID = 1009;
  }
  return addFields.call(this, fields);
};
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  async adapter() {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    // Separate fields, not a connection string: otherwise the shadow database is wrong.
    return new PrismaPg({ host: "$pg_host", port: $pg_port, user: "$pg_user", database: "$scratch_db" });
  },
});
TS
printf '#!/bin/sh\nexit 1\n' > "$tool/no-engine.sh" && chmod +x "$tool/no-engine.sh"
touch "$tool/no-query-engine.so.node"

# Replay the existing migrations into a scratch database, introspect it, and diff that
# against the schema. (Prisma's --from-migrations needs a shadow database that the JS
# engine cannot drop, and --from-url is not supported with an adapter.)
psql_() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -v ON_ERROR_STOP=1 -q "$@"; }
psql_ -d postgres -c "drop database if exists $scratch_db with (force)" -c "create database $scratch_db"
for f in "$root"/prisma/migrations/*/migration.sql; do psql_ -d "$scratch_db" -f "$f" >/dev/null 2>&1; done
# Prisma does not model CHECK constraints (hand-written in some migrations), and its introspection
# crashes on them: drop them from the scratch copy only, so they stay out of the diff too.
psql_ -d "$scratch_db" -c "DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
           WHERE contype = 'c' AND connamespace = 'public'::regnamespace LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
  END LOOP; END \$\$;"
printf 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' > "$tool/applied.prisma"

export DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/$scratch_db"
# Point Prisma at engines that do not exist/fail, so it never tries to download one.
export PRISMA_QUERY_ENGINE_LIBRARY="$tool/no-query-engine.so.node" PRISMA_SCHEMA_ENGINE_BINARY="$tool/no-engine.sh"
(cd "$tool" && ./node_modules/.bin/prisma db pull --schema applied.prisma >/dev/null)
out="$(mktemp)"
(cd "$tool" && ./node_modules/.bin/prisma migrate diff \
    --from-schema-datamodel applied.prisma --to-schema-datamodel schema.prisma --script) > "$out"

if ! grep -qv '^--\|^$\|empty migration' "$out"; then
  echo "No schema changes: prisma/schema.prisma matches the migrations."
  rm -f "$out"
  exit 0
fi
dir="$root/prisma/migrations/$(date -u +%Y%m%d%H%M%S)_$name"
mkdir -p "$dir" && mv "$out" "$dir/migration.sql"
echo "Wrote ${dir#"$root"/}/migration.sql — review it, then: npm run db:migrate"
