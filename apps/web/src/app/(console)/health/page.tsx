import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { LIVE_REFRESH_MS } from "~/lib/live-query";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";
import { ALERTS_PAGE, AlertsCard } from "./alerts-card";
import { DecisionCard } from "./decision-card";
import { HealthAdmin } from "./health-admin";
import { ThresholdsCard } from "./thresholds-card";
import { WorkersTable } from "./workers-table";

export const metadata: Metadata = { title: "Health" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidParam(raw: string | string[] | undefined): string | null {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && UUID.test(value) ? value : null;
}

/** Is it healthy: each rule live, what the guard decided and why, the workers; admins edit rules. */
export default async function HealthPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const decision = uuidParam(params.decision);
  const cursor = uuidParam(params.cursor);
  const queryClient = getQueryClient();
  const trpc = getServerTrpc();
  await Promise.all([
    queryClient.prefetchQuery(trpc.guard.thresholds.queryOptions()),
    queryClient.prefetchQuery(
      trpc.guard.alerts.queryOptions({ limit: ALERTS_PAGE, ...(cursor ? { cursor } : {}) }),
    ),
    queryClient.prefetchQuery(trpc.system.workers.queryOptions()),
    ...(decision ? [queryClient.prefetchQuery(trpc.guard.decision.queryOptions({ id: decision }))] : []),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Health"
        description={`The health guard's rules with their live values, every decision it took with its evidence, and the workers. Live every ${LIVE_REFRESH_MS / 1000} s.`}
      />
      <div className="stack">
        {decision && <DecisionCard id={decision} />}
        <ThresholdsCard />
        <AlertsCard cursor={cursor} />
        <WorkersTable />
        <HealthAdmin />
      </div>
    </HydrateClient>
  );
}
