-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];


-- Tokens made before scopes existed keep what their owner's role let them do (so producers, CI
-- and scrapers keep working after the upgrade), minus account administration, which no token may
-- do any more. The owner's role is still checked on every call, so a later demotion still counts.
UPDATE "ApiToken" AS t
SET "scopes" = CASE u."role"
    WHEN 'VIEWER' THEN ARRAY['read']
    WHEN 'OPERATOR' THEN ARRAY['read', 'orders:submit', 'orders:write', 'rollout:write']
    ELSE ARRAY['read', 'orders:submit', 'orders:write', 'rollout:write', 'admin']
  END
FROM "User" AS u
WHERE u."id" = t."userId";
