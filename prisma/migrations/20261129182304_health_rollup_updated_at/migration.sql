-- CreateIndex
CREATE INDEX "MetricRollup_updatedAt_idx" ON "MetricRollup"("updatedAt");

