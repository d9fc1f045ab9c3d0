import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { can } from "~/lib/permissions";
import { signedInUser } from "~/server/signed-in-user";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";
import { SubmitWorkOrderForm } from "./submit-form";
import { filtersFrom, findInput } from "./work-order-filters";
import { WorkOrdersList } from "./work-orders-list";

export const metadata: Metadata = { title: "Work orders" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Orders of both systems, filtered in the URL, paged by cursor; operators submit new ones here. */
export default async function WorkOrdersPage({ searchParams }: { searchParams: SearchParams }) {
  const filters = filtersFrom(await searchParams);
  const me = await signedInUser().catch(() => null);
  await getQueryClient().prefetchQuery(getServerTrpc().workOrders.find.queryOptions(findInput(filters)));
  return (
    <HydrateClient>
      <PageHeader
        title="Work orders"
        description="Orders in the new system and in legacy, newest first. Open one for its timeline across both systems, attempts, output and shadow comparison."
      />
      <div className="stack">
        {can(me?.role, "workOrders:submit") && <SubmitWorkOrderForm />}
        <WorkOrdersList />
      </div>
    </HydrateClient>
  );
}
