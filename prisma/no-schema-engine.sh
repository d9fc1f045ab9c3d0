#!/bin/sh
# Prisma 7's CLI wants a native schema engine that it would download from the internet.
# We never use it (migrations are applied by packages/db/src/migrations), so point
# PRISMA_SCHEMA_ENGINE_BINARY here: it fails loudly instead of silently doing nothing.
echo "The Prisma schema engine is not available offline; use 'npm run db:migrate'." >&2
exit 1
