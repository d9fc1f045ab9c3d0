import type { PrismaClient } from "@qmc/db";
import { type RunFence, RunOwnershipLost } from "../runs/run-ownership.ts";

/**
 * Closes a run's books when its last page is done. `total` counted the queued orders when the
 * run was planned; one that legacy started before the run reached it is no longer queued, so no
 * page ever shows it: it stays in legacy exactly like one legacy started under the run's nose,
 * and counts as skipped too. Then moved + skipped + failed = processed = total, and the progress
 * ends at 100 % instead of 99 %. Should more orders have been looked at than planned (one
 * submitted just before the plan but committed after it), the total grows to match.
 * Computed from the run's own counts in one fenced statement: repeating it (a takeover after it
 * ran) adds nothing.
 * @returns how many orders it counted as skipped
 * @throws RunOwnershipLost
 */
export async function countOrdersLegacyTookFirst(prisma: PrismaClient, fence: RunFence): Promise<number> {
  const rows = await prisma.$queryRaw<{ unreached: number }[]>`
    WITH before AS (
      SELECT GREATEST(total - processed, 0)::int AS unreached
      FROM "BackgroundRun"
      WHERE id = ${fence.runId} AND "ownerToken" = ${fence.token} AND status = 'RUNNING'
      FOR UPDATE
    )
    UPDATE "BackgroundRun" r
    SET skipped = r.skipped + before.unreached,
        processed = GREATEST(r.total, r.processed),
        total = GREATEST(r.total, r.processed)
    FROM before
    WHERE r.id = ${fence.runId}
    RETURNING before.unreached`;
  const row = rows[0];
  if (!row) throw new RunOwnershipLost(fence.runId);
  return row.unreached;
}
