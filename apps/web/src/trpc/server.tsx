import "server-only";
import type { AppRouter } from "@qmc/api";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCClient } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { inProcessApiFetch } from "~/server/in-process-api";
import { consoleLinks, TRPC_PATH } from "./links";
import { makeQueryClient } from "./query-client";

/** One query client per page request (React's `cache` scopes it to the request). */
export const getQueryClient = cache(makeQueryClient);

/** The API as the person asking for the page: their cookie, answered in this process. */
export const getServerApi = cache(() =>
  createTRPCClient<AppRouter>({
    links: consoleLinks({
      url: `http://console.internal${TRPC_PATH}`,
      fetch: inProcessApiFetch,
      headers: async () => {
        const incoming = await headers();
        return {
          cookie: incoming.get("cookie") ?? "",
          "user-agent": incoming.get("user-agent") ?? "console server render",
        };
      },
    }),
  }),
);

/** `trpc.x.y.queryOptions()` on the server: the same query keys the browser uses. */
export const getServerTrpc = cache(() =>
  createTRPCOptionsProxy<AppRouter>({ client: getServerApi(), queryClient: getQueryClient }),
);

/** Hands what the server fetched to the browser's query cache (no second fetch on load). */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
