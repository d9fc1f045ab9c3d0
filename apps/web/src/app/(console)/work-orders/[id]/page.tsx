import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "~/components/page-header";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";
import { WorkOrderDetail } from "./work-order-detail";

export const metadata: Metadata = { title: "Work order" };

/** One order across both systems: timeline, attempts, output, shadow comparison, cancel. */
export default async function WorkOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const raw = (await params).id;
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // Not percent-encoded after all: the id as given (the API answers WORK_ORDER_NOT_FOUND).
  }
  await getQueryClient().prefetchQuery(getServerTrpc().workOrders.get.queryOptions({ id }));
  return (
    <HydrateClient>
      <PageHeader
        title="Work order"
        description={
          <>
            <span className="mono">{id}</span> · <Link href="/work-orders">All work orders</Link> ·{" "}
            <Link href={`/audit?subjectId=${encodeURIComponent(id)}`}>Audit entries</Link>
          </>
        }
      />
      <WorkOrderDetail id={id} />
    </HydrateClient>
  );
}
