import { readOverview, readPhaseReport, readTimeSeries, readWorkers } from "@qmc/engine";
import { z } from "zod";
import { createTRPCRouter, viewerProcedure } from "../../trpc.ts";
import {
  ZOverview,
  ZOverviewRequest,
  ZPhaseReport,
  ZTimeSeries,
  ZTimeSeriesRequest,
  ZWorkerHealth,
} from "./health-schemas.ts";

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

  /** Every worker that reported, alive or not, with its last hour of per-minute samples. */
  workers: viewerProcedure
    .output(z.array(ZWorkerHealth))
    .query(({ ctx }) => readWorkers(ctx.services.prisma, { staleAfterMs: ctx.services.workerStaleAfterMs })),

  /** The Overview page in one call: routing now, phase, numbers per system, alerts, workers. */
  overview: viewerProcedure
    .input(ZOverviewRequest)
    .output(ZOverview)
    .query(({ ctx, input }) =>
      readOverview(ctx.services.prisma, {
        window: input.window,
        staleAfterMs: ctx.services.workerStaleAfterMs,
      }),
    ),
});
