import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { can } from "~/lib/permissions";
import { signedInUser } from "~/server/signed-in-user";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";
import { auditFiltersFrom, auditFindInput, resubmitFilter } from "./audit-filters";
import { AuditLog } from "./audit-log";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Every change with its actor and reason; operators resubmit one order or a filtered set. */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const filters = auditFiltersFrom(await searchParams);
  const me = await signedInUser().catch(() => null);
  const queryClient = getQueryClient();
  const trpc = getServerTrpc();
  await Promise.all([
    queryClient.prefetchQuery(trpc.audit.find.queryOptions(auditFindInput(filters))),
    can(me?.role, "audit:resubmit")
      ? queryClient.prefetchQuery(trpc.audit.bulkResubmitPlan.queryOptions(resubmitFilter(filters)))
      : null,
  ]);
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
