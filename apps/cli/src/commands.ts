import type { AppRouter } from "@qmc/api";
import type { TRPCClient } from "@trpc/client";

type Client = TRPCClient<AppRouter>;
export type Flags = Record<string, string | boolean | undefined>;
type Run = Awaited<ReturnType<Client["migration"]["status"]["query"]>>;

/** Where a command reports while it waits (stderr in the terminal), and how often it polls. */
export interface CommandIo {
  progress(line: string): void;
  /** @defaultValue 500 */
  pollMs?: number;
}

export const USAGE = `qmc — the queue migration control plane from a terminal

  qmc status
  qmc rollout set [--percent N] [--on | --off] [--shadow on|off] --reason "…"
  qmc rollback --reason "…"
  qmc migrate --dry-run --reason "…"
  qmc migrate --reason "…"          starts the run on a worker and follows it to the end
  qmc cancel --run <runId> --reason "…"
  qmc resubmit --event <auditEventId> --key <idempotencyKey> --reason "…"
  qmc thresholds                    the health guard's rules with their live values
  qmc alerts [--all]                the guard's unresolved decisions (--all: resolved ones too)
  qmc ack --decision <id> --reason "…"
                                    acknowledge a decision; acknowledging a pause lifts it

  --json   print the API's answer as JSON
Environment: QMC_URL (default http://127.0.0.1:3000/api/trpc), QMC_TOKEN (an API token: qmc_…)`;

export class UsageError extends Error {}

/** A background run that ended FAILED or CANCELLED: printed, and the exit code says so. */
export class RunNotCompleted extends Error {
  constructor(readonly run: Run) {
    super(`run ${run.id} ended ${run.status}${run.error ? `: ${run.error}` : ""}`);
  }
}

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

/**
 * Polls a background run until it ends, reporting each change of its progress.
 * @throws RunNotCompleted when it ends FAILED or CANCELLED
 */
async function followRun(client: Client, runId: string, io: CommandIo): Promise<Run> {
  let last = "";
  for (;;) {
    const run = await client.migration.status.query({ runId });
    const line = `run ${run.id}: ${run.status} ${run.processed}/${run.total} (moved ${run.moved}, skipped ${run.skipped}, failed ${run.failed})`;
    if (line !== last) io.progress(line);
    last = line;
    if (run.status === "COMPLETED") return run;
    if (run.status !== "QUEUED" && run.status !== "RUNNING") throw new RunNotCompleted(run);
    await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 500));
  }
}

/** Runs one command; returns what to print. */
export async function runCommand(
  client: Client,
  args: string[],
  flags: Flags,
  io: CommandIo = { progress: () => {} },
): Promise<unknown> {
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
    case "migrate": {
      if (flags["dry-run"]) return client.migration.dryRun.mutate({ reason: reason(flags) });
      // The run is a worker's job: the API answers with its id at once, the CLI follows it.
      const { runId } = await client.migration.run.mutate({ reason: reason(flags) });
      return followRun(client, runId, io);
    }
    case "cancel": {
      if (typeof flags.run !== "string") throw new UsageError('usage: qmc cancel --run <runId> --reason "…"');
      return client.migration.cancel.mutate({ runId: flags.run, reason: reason(flags) });
    }
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
    case "thresholds":
      return client.guard.thresholds.query();
    case "alerts":
      return client.guard.alerts.query(flags.all ? {} : { status: ["OPEN", "ACKNOWLEDGED"] });
    case "ack": {
      if (typeof flags.decision !== "string")
        throw new UsageError('usage: qmc ack --decision <id> --reason "…"');
      return client.guard.acknowledge.mutate({ id: flags.decision, reason: reason(flags) });
    }
    default:
      throw new UsageError(USAGE);
  }
}
