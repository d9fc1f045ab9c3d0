-- The shadow comparator's poll, every second in every worker, read every finished shadow copy to
-- find the few not yet compared (240 ms at 1,000,000 orders, growing with history). It now reads
-- those finished since its window's start through this index, which holds finished shadow copies
-- only: a primary order never enters it, a shadow copy once, when it finishes (an update that is
-- not HOT anyway: it sets "terminalState").
CREATE INDEX "WorkOrder_shadow_finishedAt_idx" ON "WorkOrder"("finishedAt")
  WHERE "shadowOfId" IS NOT NULL AND "terminalState" IS NOT NULL;
