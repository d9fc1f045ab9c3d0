import { readPhaseReport, readTimeSeries } from "@qmc/engine";
import { createTRPCRouter, viewerProcedure } from "../../trpc.ts";
import { ZPhaseReport, ZTimeSeries, ZTimeSeriesRequest } from "./health-schemas.ts";

/**
 * Health and migration-progress reads for the Overview, Comparison and Health pages. Every one
 * reads rollups, samples, config versions and gate decisions by their time indexes — never the
 * orders, attempts or transitions. Threshold table, alerts and acknowledgements: the guard router.
 */
export const healthRouter = createTRPCRouter({
  /** The plan's phase (1–4) and every phase's Verification items judged from live data. */
  phase: viewerProcedure.output(ZPhaseReport).query(({ ctx }) => readPhaseReport(ctx.services.prisma)),

  /** Chart series per stream with config changes and gate decisions as annotations. */
  timeSeries: viewerProcedure
    .input(ZTimeSeriesRequest)
    .output(ZTimeSeries)
    .query(({ ctx, input }) => readTimeSeries(ctx.services.prisma, input)),
});
