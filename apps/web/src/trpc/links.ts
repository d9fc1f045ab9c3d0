import type { AppRouter } from "@qmc/api";
import { httpBatchLink, httpLink, splitLink, type TRPCLink } from "@trpc/client";
import superjson from "superjson";

/** Where the control-plane API is served (apps/web/src/app/api/trpc). */
export const TRPC_PATH = "/api/trpc";

/** The server refuses batches of more than 10 calls (README, Limits). */
export const MAX_BATCH_CALLS = 10;

type Headers = Record<string, string>;

interface LinkOptions {
  url: string;
  fetch?: typeof fetch;
  headers?: () => Headers | Promise<Headers>;
}

/**
 * Batches of at most 10 calls; `auth.signIn` always alone (the server refuses it in a batch).
 * Same-origin cookies only: the session cookie never goes anywhere else.
 */
export function consoleLinks(options: LinkOptions): TRPCLink<AppRouter>[] {
  const common = {
    url: options.url,
    transformer: superjson,
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      (options.fetch ?? fetch)(input, { ...init, credentials: "same-origin" }),
    ...(options.headers ? { headers: options.headers } : {}),
  };
  return [
    splitLink({
      condition: (op) => op.path === "auth.signIn",
      true: httpLink(common),
      false: httpBatchLink({ ...common, maxItems: MAX_BATCH_CALLS }),
    }),
  ];
}
