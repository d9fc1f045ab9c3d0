"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

/** After a config change: the live config, its history and every preview are out of date. */
export function useRolloutInvalidation(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.rollout.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.rollout.history.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.rollout.preview.queryKey() }),
    ]);
  };
}

/** Where a config version's audit entry is listed. */
export function auditLinkOf(version: number) {
  return { href: `/audit?subjectId=${version}`, label: `Audit entry for v${version}` };
}
