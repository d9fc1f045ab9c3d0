import type { Prisma } from "@qmc/db";
import { z } from "zod";

/** Largest batch a run takes at once: one statement and one transaction per batch. */
export const MAX_BATCH_SIZE = 1_000;

/**
 * What a run works through, stored as `BackgroundRun.filter` so a resume continues the same
 * selection: queued legacy orders submitted up to the run's start. The bound keeps a run finite
 * (and `total` meaningful) while legacy keeps receiving orders; later ones are the next run's.
 */
export const RunFilterSchema = z.object({
  status: z.literal("queued"),
  submittedAtOrBefore: z.iso.datetime(),
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE),
});

export type RunFilter = z.infer<typeof RunFilterSchema>;

/** @throws RangeError when the batch size is not an integer from 1 to {@link MAX_BATCH_SIZE}. */
export function assertBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_BATCH_SIZE} (got ${batchSize})`);
  }
}

/** The keyset position after the last order handled: (submittedAt, id), oldest first. */
export interface RunCursor {
  submittedAt: Date;
  id: string;
}

/** "ISO time|id": readable in the console, and ISO text never contains the separator. */
export function encodeCursor(cursor: RunCursor): string {
  return `${cursor.submittedAt.toISOString()}|${cursor.id}`;
}

export function decodeCursor(text: string | null): RunCursor | null {
  if (text === null) return null;
  const at = text.indexOf("|");
  const submittedAt = new Date(text.slice(0, at));
  if (at < 0 || Number.isNaN(submittedAt.getTime())) throw new Error(`malformed migration cursor: ${text}`);
  return { submittedAt, id: text.slice(at + 1) };
}

/** The next page's selection: the run's orders still queued and unmigrated, after the cursor. */
export function pageWhere(filter: RunFilter, cursor: RunCursor | null): Prisma.LegacyWorkOrderWhereInput {
  return {
    status: filter.status,
    migratedAt: null,
    submittedAt: { lte: new Date(filter.submittedAtOrBefore) },
    ...(cursor
      ? {
          OR: [
            { submittedAt: { gt: cursor.submittedAt } },
            { submittedAt: cursor.submittedAt, id: { gt: cursor.id } },
          ],
        }
      : {}),
  };
}
