import type { Metadata } from "next";
import { TimeZoneNote } from "~/components/charts/time-zone-note";
import { PageHeader } from "~/components/page-header";
import { WindowPicker } from "~/components/window-picker";
import { comparisonStatsQuery } from "~/lib/comparison-query";
import { timeWindow } from "~/lib/time-window";
import { getQueryClient, getServerApi, getServerTrpc, HydrateClient } from "~/trpc/server";
import { ComparisonCharts } from "./comparison-charts";
import { MISMATCH_LIMIT, MismatchCard } from "./mismatch-card";
import { SideBySideCard } from "./side-by-side-card";

export const metadata: Metadata = { title: "Comparison" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Old vs new over the chosen window, with what changed marked on the charts; shadow agreement. */
export default async function ComparisonPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).window;
  const window = timeWindow(Array.isArray(raw) ? raw[0] : raw).key;
  const queryClient = getQueryClient();
  const trpc = getServerTrpc();
  await Promise.all([
    queryClient.prefetchQuery(comparisonStatsQuery(getServerApi(), window)),
    queryClient.prefetchQuery(trpc.system.queueDepths.queryOptions()),
    queryClient.prefetchQuery(trpc.comparison.mismatches.queryOptions({ limit: MISMATCH_LIMIT })),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Comparison"
        description={
          <>
            Legacy and the new system side by side over the last {timeWindow(window).label}. <TimeZoneNote />
          </>
        }
        actions={<WindowPicker current={window} />}
      />
      <div className="stack">
        <SideBySideCard window={window} />
        <ComparisonCharts window={window} />
        <MismatchCard window={window} />
      </div>
    </HydrateClient>
  );
}
