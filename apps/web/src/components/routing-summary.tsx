"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatPercent } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { StatusBadge } from "./status-badge";

/**
 * Where routing stands right now, on every page: switch · percent · shadow, and a pause; once
 * legacy is retired, only that every order goes to the new system.
 */
export function RoutingSummary() {
  const trpc = useTRPC();
  const { data: config, isError } = useQuery({ ...trpc.rollout.get.queryOptions(), ...liveQuery });
  if (!config) {
    return <span className="routing-summary">{isError ? "Routing: unknown" : "Routing: loading…"}</span>;
  }
  return (
    <Link
      href="/rollout"
      className="routing-summary"
      data-testid="routing-summary"
      title="Live routing: open the rollout"
    >
      <span className="visually-hidden">Live routing:</span>
      {config.legacyRetired ? (
        // Retired, routing ignores the switch, the percent and shadow mode: showing them would
        // claim settings that do nothing (shadow "on" next to "Legacy retired").
        <span>
          Every order to <strong>new</strong>
        </span>
      ) : (
        <>
          <span>
            New system <strong>{config.useNewQueueSystem ? "on" : "off"}</strong>
          </span>
          <span aria-hidden="true">·</span>
          <span>
            <strong>{formatPercent(config.newQueueRolloutPercent)}</strong> to new
          </span>
          <span aria-hidden="true">·</span>
          <span>
            shadow <strong>{config.shadowMode ? "on" : "off"}</strong>
          </span>
        </>
      )}
      {config.paused && <StatusBadge tone="warn">Paused</StatusBadge>}
      {config.legacyRetired && <StatusBadge tone="ok">Legacy retired</StatusBadge>}
      {isError && <StatusBadge tone="unknown">Stale</StatusBadge>}
    </Link>
  );
}
