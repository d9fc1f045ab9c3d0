import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleShell } from "~/components/console-shell";
import { ServiceProblem } from "~/components/service-problem";
import { env } from "~/env";
import { REQUESTED_PATH_HEADER } from "~/lib/requested-path";
import { safeNextPath } from "~/lib/safe-next-path";
import { type SignedInUser, signedInUser } from "~/server/signed-in-user";
import { getQueryClient, getServerTrpc, HydrateClient } from "~/trpc/server";

/**
 * Every console page: signed in (else to sign-in, keeping the page asked for), password changed
 * (else to the change page), and the top bar's live routing rendered on the server.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const here = safeNextPath((await headers()).get(REQUESTED_PATH_HEADER));
  let me: SignedInUser | null;
  try {
    me = await signedInUser();
  } catch (error) {
    return <ServiceProblem error={error} />;
  }
  if (!me) redirect(`/sign-in?next=${encodeURIComponent(here)}`);
  if (me.mustChangePassword) redirect(`/change-password?next=${encodeURIComponent(here)}`);
  await getQueryClient().prefetchQuery(getServerTrpc().rollout.get.queryOptions());
  return (
    <HydrateClient>
      <ConsoleShell environment={env.CONSOLE_ENVIRONMENT}>{children}</ConsoleShell>
    </HydrateClient>
  );
}
