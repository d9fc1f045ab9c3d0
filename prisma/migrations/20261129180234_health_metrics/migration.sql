-- CreateEnum
CREATE TYPE "MetricStream" AS ENUM ('LEGACY', 'NEW', 'SHADOW');

-- AlterTable
ALTER TABLE "GateDecision" ADD COLUMN     "acknowledgedReason" TEXT,
ADD COLUMN     "resolution" TEXT;

-- Nothing ever wrote the old per-system rollups (the writer arrives with this change); clear any
-- hand-made rows so the new NOT NULL key columns can be added.
DELETE FROM "MetricRollup";

-- AlterTable
ALTER TABLE "MetricRollup" DROP CONSTRAINT "MetricRollup_pkey",
DROP COLUMN "latencyHistogram",
DROP COLUMN "latencySumMs",
DROP COLUMN "queueDepth",
DROP COLUMN "system",
ADD COLUMN     "endToEndHistogram" INTEGER[],
ADD COLUMN     "queueWaitHistogram" INTEGER[],
ADD COLUMN     "runTimeHistogram" INTEGER[],
ADD COLUMN     "source" TEXT NOT NULL,
ADD COLUMN     "stream" "MetricStream" NOT NULL,
ADD CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("stream", "minute", "source");

-- AlterTable
ALTER TABLE "ThresholdSetting" ADD COLUMN     "holdSeconds" INTEGER,
ADD COLUMN     "restoreBelow" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "QueueDepthSample" (
    "system" "QueueSystem" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "waiting" INTEGER NOT NULL,
    "delayed" INTEGER NOT NULL,
    "active" INTEGER NOT NULL,

    CONSTRAINT "QueueDepthSample_pkey" PRIMARY KEY ("system","at")
);

-- CreateTable
CREATE TABLE "WorkerSample" (
    "workerId" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "memoryUsedRatio" DOUBLE PRECISION NOT NULL,
    "slotsTotal" INTEGER NOT NULL,
    "slotsInUse" INTEGER NOT NULL,
    "concurrencyLimit" INTEGER NOT NULL,

    CONSTRAINT "WorkerSample_pkey" PRIMARY KEY ("workerId","minute")
);

-- CreateIndex
CREATE INDEX "QueueDepthSample_at_idx" ON "QueueDepthSample"("at");

-- CreateIndex
CREATE INDEX "WorkerSample_minute_idx" ON "WorkerSample"("minute");

-- CreateIndex
CREATE INDEX "GateDecision_metric_subject_status_idx" ON "GateDecision"("metric", "subject", "status");

