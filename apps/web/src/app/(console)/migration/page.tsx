import type { Metadata } from "next";
import { TimeZoneNote } from "~/components/charts/time-zone-note";
import { PageHeader } from "~/components/page-header";
import { WindowPicker } from "~/components/window-picker";
import { timeWindow } from "~/lib/time-window";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";
import { InFlightCard } from "./in-flight-card";
import { PLAN_SAMPLE, RUNS_LIMIT } from "./migration-words";
import { HISTORY_FOR_CHART, ProgressCharts } from "./progress-charts";
import { RetirementCard } from "./retirement-card";

export const metadata: Metadata = { title: "Migration" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** How far the migration is, moving the queued legacy orders, and retiring legacy when it is safe. */
export default async function MigrationPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).window;
  const window = timeWindow(Array.isArray(raw) ? raw[0] : raw).key;
  const queryClient = getQueryClient();
  const trpc = getServerTrpc();
  await Promise.all([
    queryClient.prefetchQuery(trpc.rollout.get.queryOptions()),
    queryClient.prefetchQuery(trpc.rollout.history.queryOptions({ limit: HISTORY_FOR_CHART })),
    queryClient.prefetchQuery(trpc.system.queueDepths.queryOptions()),
    queryClient.prefetchQuery(trpc.migration.plan.queryOptions({ sampleSize: PLAN_SAMPLE })),
    queryClient.prefetchQuery(
      trpc.migration.runs.queryOptions({ type: "IN_FLIGHT_MIGRATION", limit: RUNS_LIMIT }),
    ),
    queryClient.prefetchQuery(trpc.migration.retirementCheck.queryOptions()),
    queryClient.prefetchQuery(
      trpc.guard.alerts.queryOptions({ status: ["OPEN", "ACKNOWLEDGED"], limit: 50 }),
    ),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Migration"
        description={
          <>
            Rollout percent and orders per system over the last {timeWindow(window).label}, the in-flight
            migration and legacy retirement. <TimeZoneNote />
          </>
        }
        actions={<WindowPicker current={window} />}
      />
      <div className="stack">
        <ProgressCharts window={window} />
        <InFlightCard />
        <RetirementCard />
      </div>
    </HydrateClient>
  );
}
