"use client";
import type { AppRouter } from "@qmc/api";
import { createTRPCContext } from "@trpc/tanstack-react-query";

/** `useTRPC()` gives query and mutation options for every procedure, typed by the router. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
