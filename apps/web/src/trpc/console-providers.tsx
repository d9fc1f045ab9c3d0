"use client";
import type { AppRouter } from "@qmc/api";
import { MutationCache, QueryCache, type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient } from "@trpc/client";
import type { ReactNode } from "react";
import { useState } from "react";
import { ToastProvider } from "~/components/toast-provider";
import { isPasswordChangeRequired, isSessionEnded } from "~/lib/api-error";
import { consoleLinks, TRPC_PATH } from "./links";
import { makeQueryClient } from "./query-client";
import { TRPCProvider } from "./react";

let browserQueryClient: QueryClient | undefined;

/**
 * A session that ends while someone works (expiry, sign-out elsewhere, a disabled account) sends
 * them to sign in, with the page they were on (and its filters) kept in `next`; a password that
 * must be changed sends them to change it. Once per page: later failures wait for the navigation.
 */
let leaving = false;
function onApiError(error: unknown): void {
  if (leaving || typeof window === "undefined") return;
  const target = isSessionEnded(error)
    ? "/sign-in"
    : isPasswordChangeRequired(error)
      ? "/change-password"
      : null;
  if (!target) return;
  const here = `${window.location.pathname}${window.location.search}`;
  if (here.startsWith(target)) return;
  leaving = true;
  const reason = target === "/sign-in" ? "&expired=1" : "";
  window.location.assign(`${target}?next=${encodeURIComponent(here)}${reason}`);
}

function queryClient(): QueryClient {
  const caches = {
    queryCache: new QueryCache({ onError: onApiError }),
    mutationCache: new MutationCache({ onError: onApiError }),
  };
  // The server makes one per request; the browser keeps one for the whole visit.
  if (typeof window === "undefined") return makeQueryClient(caches);
  browserQueryClient ??= makeQueryClient(caches);
  return browserQueryClient;
}

/** React Query and tRPC for every page; toasts for every mutation's result. */
export function ConsoleProviders({ children }: { children: ReactNode }) {
  const client = queryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: consoleLinks({ url: TRPC_PATH }) }),
  );
  return (
    <QueryClientProvider client={client}>
      <TRPCProvider trpcClient={trpcClient} queryClient={client}>
        <ToastProvider>{children}</ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
