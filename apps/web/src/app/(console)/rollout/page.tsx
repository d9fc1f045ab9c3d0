import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";
import { ConfigHistoryTable } from "./config-history-table";
import { RolloutControls } from "./rollout-controls";
import { HISTORY_LIMIT } from "./rollout-values";

export const metadata: Metadata = { title: "Rollout" };

/** The switch, shadow, percent, rollback, the guard's pause, and every version before this one. */
export default async function RolloutPage() {
  const queryClient = getQueryClient();
  const trpc = getServerTrpc();
  await Promise.all([
    queryClient.prefetchQuery(trpc.rollout.get.queryOptions()),
    queryClient.prefetchQuery(trpc.rollout.history.queryOptions({ limit: HISTORY_LIMIT })),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Rollout"
        description="Which share of new work orders goes to the new queue system. Changes take effect on every process within 2 s."
      />
      <div className="stack">
        <RolloutControls />
        <ConfigHistoryTable />
      </div>
    </HydrateClient>
  );
}
