import "server-only";
import type { RouterOutputs } from "@qmc/api";
import { getQueryClient, getServerTrpc } from "~/trpc/server";

export type SignedInUser = NonNullable<RouterOutputs["auth"]["me"]>;

/**
 * Who asked for this page (null: nobody signed in), fetched into the page's query cache so the
 * browser has it on first paint. Throws the API's typed error when it cannot tell (503).
 */
export async function signedInUser(): Promise<SignedInUser | null> {
  return getQueryClient().fetchQuery(getServerTrpc().auth.me.queryOptions());
}
