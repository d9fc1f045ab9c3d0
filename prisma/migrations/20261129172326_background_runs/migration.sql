-- AlterEnum
ALTER TYPE "BatchRunStatus" ADD VALUE 'QUEUED';

-- AlterTable
ALTER TABLE "MigrationRun" ADD COLUMN     "activeLock" "BatchRunType",
ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "cancelRequestedBy" TEXT,
ADD COLUMN     "ownerToken" TEXT,
ADD COLUMN     "ownerWorkerId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "MigrationRun_activeLock_key" ON "MigrationRun"("activeLock");

-- Runs are now executed by the worker, one active run per type (hand-written from here on).
-- A run left RUNNING by a process that died before this change has no owner and no job: it
-- becomes FAILED, so an operator resumes it on purpose (migration.resume) instead of it
-- restarting by surprise, and so two of them cannot fight over one type's lock.
UPDATE "MigrationRun"
SET "status" = 'FAILED',
    "error" = 'interrupted before runs were executed by the worker; resume it to continue',
    "finishedAt" = CURRENT_TIMESTAMP
WHERE "status" = 'RUNNING';

-- The lock is held exactly while the run is active (Prisma does not model CHECK constraints,
-- so this stays out of schema.prisma and out of later diffs). Compared as text: a new enum
-- value cannot be used in the transaction that adds it.
ALTER TABLE "MigrationRun" ADD CONSTRAINT "MigrationRun_activeLock_check" CHECK (
  CASE WHEN "status"::text IN ('QUEUED', 'RUNNING')
    THEN "activeLock" IS NOT NULL AND "activeLock" = "type"
    ELSE "activeLock" IS NULL
  END
);
