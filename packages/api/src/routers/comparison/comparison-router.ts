import { latestShadowMismatches, shadowConsistency, systemStatsWindow } from "@qmc/engine";
import { z } from "zod";
import { ZShadowComparison } from "../../schemas/model-schemas.ts";
import { createTRPCRouter, viewerProcedure } from "../../trpc.ts";

const MAX_WINDOW_MS = 31 * 24 * 3_600_000;

export const ZComparisonWindow = z
  .object({ from: z.date(), to: z.date() })
  .refine((w) => w.from < w.to, "from must be before to")
  .refine((w) => w.to.getTime() - w.from.getTime() <= MAX_WINDOW_MS, "a window is at most 31 days");

const ZSystemStats = z.object({
  system: z.enum(["LEGACY", "NEW"]),
  finished: z.number().int(),
  failed: z.number().int(),
  /** Counted apart: a cancellation is no outcome of the system and not in the throughput. */
  cancelled: z.number().int(),
  errorRate: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  throughputPerMinute: z.number(),
});

export const ZComparisonStats = z.object({
  from: z.date(),
  to: z.date(),
  systems: z.array(ZSystemStats),
  /** Throughput was averaged from this minute: the window reaches back before the first order. */
  throughputFrom: z.date().nullable(),
  shadow: z.object({ compared: z.number().int(), matched: z.number().int(), rate: z.number().nullable() }),
});

export const comparisonRouter = createTRPCRouter({
  /**
   * Old vs new side by side for a time window, from the minute rollups (never orders or attempts):
   * per-order error rate, end-to-end p50/p99, finished orders per minute (cancellations apart;
   * averaged from the first rollup minute when the window reaches back before it); shadow consistency.
   */
  stats: viewerProcedure
    .input(ZComparisonWindow)
    .output(ZComparisonStats)
    .query(async ({ ctx, input }) => {
      const [stats, shadow] = await Promise.all([
        systemStatsWindow(ctx.services.prisma, input.from, input.to),
        shadowConsistency(ctx.services.prisma, input.from, input.to),
      ]);
      return { from: input.from, to: input.to, ...stats, shadow };
    }),

  /** Shadow runs that disagreed with legacy, with the fields that differ. */
  mismatches: viewerProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .output(z.array(ZShadowComparison))
    .query(({ ctx, input }) => latestShadowMismatches(ctx.services.prisma, input.limit)),
});
