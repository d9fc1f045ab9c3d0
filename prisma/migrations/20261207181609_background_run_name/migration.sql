-- MigrationRun holds every background run (in-flight migrations and bulk resubmissions): it is
-- renamed BackgroundRun, with its enums. Hand-written: Prisma's diff drops the table and creates
-- a new one, which would lose every run. Renamed in place, the rows, the hand-written CHECK
-- constraint and the grants stay; the constraint and index names follow Prisma's naming for
-- the new table, so a later diff of the schema against the migrations is empty.
ALTER TYPE "BatchRunType" RENAME TO "BackgroundRunType";
ALTER TYPE "BatchRunStatus" RENAME TO "BackgroundRunStatus";

ALTER TABLE "MigrationRun" RENAME TO "BackgroundRun";
-- Renaming the primary key constraint renames its index too.
ALTER TABLE "BackgroundRun" RENAME CONSTRAINT "MigrationRun_pkey" TO "BackgroundRun_pkey";
ALTER TABLE "BackgroundRun" RENAME CONSTRAINT "MigrationRun_activeLock_check" TO "BackgroundRun_activeLock_check";
ALTER INDEX "MigrationRun_activeLock_key" RENAME TO "BackgroundRun_activeLock_key";
ALTER INDEX "MigrationRun_type_createdAt_idx" RENAME TO "BackgroundRun_type_createdAt_idx";

-- The audit trail names a run's events by the table's name: earlier events follow the rename,
-- so one run's trail reads under one subject type.
UPDATE "AuditEvent" SET "subjectType" = 'BackgroundRun' WHERE "subjectType" = 'MigrationRun';
