import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { can, roleReason } from "~/lib/permissions";
import { signedInUser } from "~/server/signed-in-user";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";
import { OwnTokensCard } from "./own-tokens-card";
import { UsersAdmin } from "./users-admin";

export const metadata: Metadata = { title: "Users and tokens" };

/** Admins manage accounts; everyone manages their own API tokens. */
export default async function UsersPage() {
  const queryClient = getQueryClient();
  const trpc = getServerTrpc();
  const me = await signedInUser().catch(() => null);
  const isAdmin = can(me?.role, "users:manage");
  await Promise.all([
    queryClient.prefetchQuery(trpc.auth.tokens.queryOptions()),
    queryClient.prefetchQuery(trpc.auth.tokenScopes.queryOptions()),
    isAdmin ? queryClient.prefetchQuery(trpc.users.list.queryOptions()) : null,
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Users and tokens"
        description="Who can use the console and the API, with which role. Every change is in the audit log with its reason."
      />
      <div className="stack">
        {isAdmin ? (
          <UsersAdmin />
        ) : (
          <p className="notice">
            Managing other people's accounts is for admins. {roleReason("users:manage")}
          </p>
        )}
        <OwnTokensCard />
      </div>
    </HydrateClient>
  );
}
