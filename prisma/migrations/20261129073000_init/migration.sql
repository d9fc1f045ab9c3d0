-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "WorkOrderState" AS ENUM ('PENDING', 'PREPARING', 'RUNNING', 'WAITING_RETRY', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "TransitionEvent" AS ENUM ('SUBMIT', 'CLAIM', 'READY', 'COMPLETE', 'FAIL', 'RETRY', 'CANCEL');

-- CreateEnum
CREATE TYPE "QueueSystem" AS ENUM ('LEGACY', 'NEW');

-- CreateEnum
CREATE TYPE "WorkOrderRole" AS ENUM ('PRIMARY', 'SHADOW');

-- CreateEnum
CREATE TYPE "ComparisonOutcome" AS ENUM ('MATCH', 'MISMATCH');

-- CreateEnum
CREATE TYPE "ThresholdMetric" AS ENUM ('ERROR_RATE', 'P99_LATENCY_RATIO', 'QUEUE_DEPTH_GROWTH', 'MEMORY_USAGE');

-- CreateEnum
CREATE TYPE "ThresholdAction" AS ENUM ('PAUSE_ROLLOUT', 'ALERT', 'REDUCE_CONCURRENCY');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED');

-- CreateEnum
CREATE TYPE "BatchRunType" AS ENUM ('IN_FLIGHT_MIGRATION', 'BULK_RESUBMIT');

-- CreateEnum
CREATE TYPE "BatchRunStatus" AS ENUM ('PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('VIEWER', 'OPERATOR', 'ADMIN');

-- CreateTable
CREATE TABLE "LegacyWorkOrder" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "submittedBy" TEXT NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "workerId" TEXT,
    "exitCode" INTEGER,
    "outputDigest" TEXT,
    "output" TEXT,
    "errorMessage" TEXT,
    "routeBucket" INTEGER,
    "configVersion" INTEGER,
    "resubmittedFromId" TEXT,
    "migratedAt" TIMESTAMP(3),

    CONSTRAINT "LegacyWorkOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LegacyStatusChange" (
    "id" BIGSERIAL NOT NULL,
    "workOrderId" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workerId" TEXT,

    CONSTRAINT "LegacyStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkOrder" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "state" "WorkOrderState" NOT NULL DEFAULT 'PENDING',
    "role" "WorkOrderRole" NOT NULL DEFAULT 'PRIMARY',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "nextRetryAt" TIMESTAMP(3),
    "shadowOfId" TEXT,
    "migrated" BOOLEAN NOT NULL DEFAULT false,
    "originalSubmittedAt" TIMESTAMP(3),
    "resubmittedFromId" TEXT,
    "submittedBy" TEXT NOT NULL,
    "routeBucket" INTEGER,
    "configVersion" INTEGER,
    "cancelRequestedAt" TIMESTAMP(3),
    "workerId" TEXT,
    "exitCode" INTEGER,
    "outputDigest" TEXT,
    "output" TEXT,
    "errorClass" TEXT,
    "errorMessage" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "WorkOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StateTransition" (
    "id" BIGSERIAL NOT NULL,
    "workOrderId" TEXT NOT NULL,
    "fromState" "WorkOrderState",
    "toState" "WorkOrderState" NOT NULL,
    "event" "TransitionEvent" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempt" INTEGER NOT NULL,
    "workerId" TEXT,
    "metadata" JSONB,

    CONSTRAINT "StateTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExecutionAttempt" (
    "id" BIGSERIAL NOT NULL,
    "system" "QueueSystem" NOT NULL,
    "role" "WorkOrderRole" NOT NULL DEFAULT 'PRIMARY',
    "workOrderId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "workerId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "exitCode" INTEGER,
    "errorClass" TEXT,
    "errorMessage" TEXT,
    "outputDigest" TEXT,
    "outputBytes" INTEGER,
    "durationMs" INTEGER,
    "queuedMs" INTEGER,

    CONSTRAINT "ExecutionAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "key" TEXT NOT NULL,
    "workOrderId" TEXT NOT NULL,
    "system" "QueueSystem" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "actorUserId" TEXT,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "submission" JSONB,
    "reason" TEXT,
    "requestId" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QueueConfig" (
    "version" INTEGER NOT NULL,
    "useNewQueueSystem" BOOLEAN NOT NULL,
    "shadowMode" BOOLEAN NOT NULL,
    "rolloutBasisPoints" INTEGER NOT NULL,
    "salt" TEXT NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "pausedReason" TEXT,
    "legacyRetired" BOOLEAN NOT NULL DEFAULT false,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QueueConfig_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "ShadowComparison" (
    "id" TEXT NOT NULL,
    "legacyWorkOrderId" TEXT NOT NULL,
    "shadowWorkOrderId" TEXT NOT NULL,
    "outcome" "ComparisonOutcome" NOT NULL,
    "differences" JSONB NOT NULL,
    "legacyOutcome" JSONB NOT NULL,
    "shadowOutcome" JSONB NOT NULL,
    "comparedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShadowComparison_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricRollup" (
    "system" "QueueSystem" NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "submitted" INTEGER NOT NULL DEFAULT 0,
    "started" INTEGER NOT NULL DEFAULT 0,
    "completed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "retried" INTEGER NOT NULL DEFAULT 0,
    "latencyHistogram" INTEGER[],
    "latencySumMs" BIGINT NOT NULL DEFAULT 0,
    "queueDepth" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("system","minute")
);

-- CreateTable
CREATE TABLE "ThresholdSetting" (
    "metric" "ThresholdMetric" NOT NULL,
    "limit" DOUBLE PRECISION NOT NULL,
    "action" "ThresholdAction" NOT NULL,
    "windowSeconds" INTEGER NOT NULL,
    "minSample" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ThresholdSetting_pkey" PRIMARY KEY ("metric")
);

-- CreateTable
CREATE TABLE "GateDecision" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "metric" "ThresholdMetric" NOT NULL,
    "subject" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "limit" DOUBLE PRECISION NOT NULL,
    "windowSeconds" INTEGER NOT NULL,
    "sampleSize" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "explanation" TEXT NOT NULL,
    "status" "AlertStatus" NOT NULL DEFAULT 'OPEN',
    "acknowledgedBy" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "GateDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "workerId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "systems" TEXT[],
    "slotsTotal" INTEGER NOT NULL,
    "slotsInUse" INTEGER NOT NULL,
    "concurrencyLimit" INTEGER NOT NULL,
    "memoryUsedRatio" DOUBLE PRECISION NOT NULL,
    "memoryPressure" TEXT NOT NULL,
    "stoppedAt" TIMESTAMP(3),

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("workerId")
);

-- CreateTable
CREATE TABLE "MigrationRun" (
    "id" TEXT NOT NULL,
    "type" "BatchRunType" NOT NULL,
    "status" "BatchRunStatus" NOT NULL DEFAULT 'PLANNED',
    "dryRun" BOOLEAN NOT NULL,
    "filter" JSONB NOT NULL,
    "plan" JSONB NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "moved" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "cursor" TEXT,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MigrationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'VIEWER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userAgent" TEXT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LegacyWorkOrder_status_submittedAt_idx" ON "LegacyWorkOrder"("status", "submittedAt");

-- CreateIndex
CREATE INDEX "LegacyWorkOrder_submittedAt_idx" ON "LegacyWorkOrder"("submittedAt");

-- CreateIndex
CREATE INDEX "LegacyWorkOrder_kind_submittedAt_idx" ON "LegacyWorkOrder"("kind", "submittedAt");

-- CreateIndex
CREATE INDEX "LegacyStatusChange_workOrderId_at_idx" ON "LegacyStatusChange"("workOrderId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "WorkOrder_shadowOfId_key" ON "WorkOrder"("shadowOfId");

-- CreateIndex
CREATE INDEX "WorkOrder_state_priority_createdAt_idx" ON "WorkOrder"("state", "priority", "createdAt");

-- CreateIndex
CREATE INDEX "WorkOrder_state_nextRetryAt_idx" ON "WorkOrder"("state", "nextRetryAt");

-- CreateIndex
CREATE INDEX "WorkOrder_role_createdAt_idx" ON "WorkOrder"("role", "createdAt");

-- CreateIndex
CREATE INDEX "WorkOrder_createdAt_idx" ON "WorkOrder"("createdAt");

-- CreateIndex
CREATE INDEX "WorkOrder_kind_createdAt_idx" ON "WorkOrder"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "WorkOrder_resubmittedFromId_idx" ON "WorkOrder"("resubmittedFromId");

-- CreateIndex
CREATE INDEX "StateTransition_workOrderId_at_idx" ON "StateTransition"("workOrderId", "at");

-- CreateIndex
CREATE INDEX "StateTransition_at_idx" ON "StateTransition"("at");

-- CreateIndex
CREATE INDEX "StateTransition_toState_at_idx" ON "StateTransition"("toState", "at");

-- CreateIndex
CREATE INDEX "ExecutionAttempt_system_endedAt_idx" ON "ExecutionAttempt"("system", "endedAt");

-- CreateIndex
CREATE INDEX "ExecutionAttempt_workOrderId_idx" ON "ExecutionAttempt"("workOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "ExecutionAttempt_system_workOrderId_attempt_key" ON "ExecutionAttempt"("system", "workOrderId", "attempt");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_subjectType_subjectId_at_idx" ON "AuditEvent"("subjectType", "subjectId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actor_at_idx" ON "AuditEvent"("actor", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE UNIQUE INDEX "ShadowComparison_legacyWorkOrderId_key" ON "ShadowComparison"("legacyWorkOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "ShadowComparison_shadowWorkOrderId_key" ON "ShadowComparison"("shadowWorkOrderId");

-- CreateIndex
CREATE INDEX "ShadowComparison_comparedAt_idx" ON "ShadowComparison"("comparedAt");

-- CreateIndex
CREATE INDEX "ShadowComparison_outcome_comparedAt_idx" ON "ShadowComparison"("outcome", "comparedAt");

-- CreateIndex
CREATE INDEX "MetricRollup_minute_idx" ON "MetricRollup"("minute");

-- CreateIndex
CREATE INDEX "GateDecision_at_idx" ON "GateDecision"("at");

-- CreateIndex
CREATE INDEX "GateDecision_status_at_idx" ON "GateDecision"("status", "at");

-- CreateIndex
CREATE INDEX "WorkerHeartbeat_lastSeenAt_idx" ON "WorkerHeartbeat"("lastSeenAt");

-- CreateIndex
CREATE INDEX "MigrationRun_type_createdAt_idx" ON "MigrationRun"("type", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- AddForeignKey
ALTER TABLE "LegacyStatusChange" ADD CONSTRAINT "LegacyStatusChange_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "LegacyWorkOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StateTransition" ADD CONSTRAINT "StateTransition_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "WorkOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

