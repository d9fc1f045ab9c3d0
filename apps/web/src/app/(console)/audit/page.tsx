import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";
import { auditFiltersFrom, auditFindInput } from "./audit-filters";
import { AuditLog } from "./audit-log";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Every change with its actor and reason; operators resubmit one order or a filtered set. */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const filters = auditFiltersFrom(await searchParams);
  const queryClient = getQueryClient();
  const trpc = getServerTrpc();
  // The bulk dry-run count is not prefetched: over a large audit trail it is the slowest read of
  // the page, and the entries should not wait for it (it fills in a moment later).
  await queryClient.prefetchQuery(trpc.audit.find.queryOptions(auditFindInput(filters)));
  return (
    <HydrateClient>
      <PageHeader
        title="Audit log"
        description="Every change with who made it, when and why, newest first. Times are UTC."
      />
      <AuditLog />
    </HydrateClient>
  );
}
