import type { AppRouter } from "@qmc/api";
import type { TRPCClient } from "@trpc/client";

type Client = TRPCClient<AppRouter>;
export type Flags = Record<string, string | boolean | undefined>;

export const USAGE = `qmc — the queue migration control plane from a terminal

  qmc status
  qmc rollout set [--percent N] [--on | --off] [--shadow on|off] --reason "…"
  qmc rollback --reason "…"
  qmc migrate --dry-run --reason "…"
  qmc migrate --reason "…"
  qmc resubmit --event <auditEventId> --key <idempotencyKey> --reason "…"

  --json   print the API's answer as JSON
Environment: QMC_URL (default http://127.0.0.1:3000/api/trpc), QMC_TOKEN (an API token: qmc_…)`;

export class UsageError extends Error {}

function reason(flags: Flags): string {
  if (typeof flags.reason !== "string")
    throw new UsageError('--reason "…" is required: it goes into the audit trail');
  return flags.reason;
}

function percent(flags: Flags): number | undefined {
  if (flags.percent === undefined) return undefined;
  const value = Number(flags.percent);
  if (typeof flags.percent !== "string" || flags.percent.trim() === "" || Number.isNaN(value)) {
    throw new UsageError(`--percent needs a number from 0 to 100, got ${String(flags.percent)}`);
  }
  return value;
}

/** Runs one command; returns what to print. */
export async function runCommand(client: Client, args: string[], flags: Flags): Promise<unknown> {
  const [command, sub] = args;
  switch (command) {
    case "status": {
      const [config, depths, workers] = await Promise.all([
        client.rollout.get.query(),
        client.system.queueDepths.query(),
        client.system.workers.query(),
      ]);
      return { config, depths, workersAlive: workers.filter((w) => w.alive).length };
    }
    case "rollout": {
      if (sub !== "set")
        throw new UsageError(
          "usage: qmc rollout set [--percent N] [--on|--off] [--shadow on|off] --reason …",
        );
      const p = percent(flags);
      return client.rollout.set.mutate({
        reason: reason(flags),
        ...(p === undefined ? {} : { newQueueRolloutPercent: p }),
        ...(flags.on ? { useNewQueueSystem: true } : flags.off ? { useNewQueueSystem: false } : {}),
        ...(flags.shadow === undefined ? {} : { shadowMode: flags.shadow === "on" }),
      });
    }
    case "rollback":
      return client.rollout.rollback.mutate({ reason: reason(flags) });
    case "migrate":
      return flags["dry-run"]
        ? client.migration.dryRun.mutate({ reason: reason(flags) })
        : client.migration.run.mutate({ reason: reason(flags) });
    case "resubmit": {
      if (typeof flags.event !== "string" || typeof flags.key !== "string") {
        throw new UsageError("usage: qmc resubmit --event <auditEventId> --key <idempotencyKey> --reason …");
      }
      return client.audit.resubmit.mutate({
        auditEventId: flags.event,
        idempotencyKey: flags.key,
        reason: reason(flags),
      });
    }
    default:
      throw new UsageError(USAGE);
  }
}
