import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { WindowPicker } from "~/components/window-picker";
import { comparisonStatsQuery } from "~/lib/comparison-query";
import { LIVE_REFRESH_MS } from "~/lib/live-query";
import { timeWindow } from "~/lib/time-window";
import { getQueryClient, getServerApi, getServerTrpc, HydrateClient } from "~/trpc/server";
import { PhasePathCard } from "./phase-path-card";
import { QueueDepthCard } from "./queue-depth-card";
import { SystemComparisonCard } from "./system-comparison-card";
import { WorkersCard } from "./workers-card";

export const metadata: Metadata = { title: "Overview" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Where are we, is it healthy, what next: rendered on the server, then live (every 1.5 s). */
export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).window;
  const window = timeWindow(Array.isArray(raw) ? raw[0] : raw).key;
  const queryClient = getQueryClient();
  const trpc = getServerTrpc();
  await Promise.all([
    queryClient.prefetchQuery(trpc.rollout.get.queryOptions()),
    queryClient.prefetchQuery(trpc.health.phase.queryOptions()),
    queryClient.prefetchQuery(trpc.system.workers.queryOptions()),
    queryClient.prefetchQuery(trpc.system.queueDepths.queryOptions()),
    queryClient.prefetchQuery(comparisonStatsQuery(getServerApi(), window)),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Overview"
        description={`Live: every figure refreshes every ${LIVE_REFRESH_MS / 1000} s while this tab is visible.`}
        actions={<WindowPicker current={window} />}
      />
      <div className="stack">
        <PhasePathCard />
        <div className="grid">
          <SystemComparisonCard window={window} />
          <WorkersCard />
        </div>
        <QueueDepthCard />
      </div>
    </HydrateClient>
  );
}
