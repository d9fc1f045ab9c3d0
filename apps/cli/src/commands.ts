import type { ApiClient as Client } from "./connection.ts";
import { alertsView, decisionView, thresholdsView } from "./format/guard-view.ts";
import { dryRunView, resubmissionView, runProgressLine, runView } from "./format/run-view.ts";
import { configView, pauseDecisionOf, statusView } from "./format/status-view.ts";

export type Flags = Record<string, string | boolean | undefined>;
type Run = Awaited<ReturnType<Client["migration"]["status"]["query"]>>;

/** Where a command reports while it waits (stderr in the terminal), and how often it polls. */
export interface CommandIo {
  progress(line: string): void;
  /** @defaultValue 500 */
  pollMs?: number;
}

export const USAGE = `qmc — the queue migration control plane from a terminal

  qmc status                        routing, pause, config version, workers, queue depths
  qmc rollout set [--percent N] [--on | --off] [--shadow on|off] --reason "…"
  qmc rollback --reason "…"
  qmc resume --reason "…"           lift the health guard's pause (acknowledges its open pauses)
  qmc migrate --dry-run --reason "…"
  qmc migrate --reason "…"          starts the run on a worker and follows it to the end
  qmc cancel --run <runId> --reason "…"
  qmc resubmit --event <auditEventId> --key <idempotencyKey> --reason "…"
  qmc thresholds                    the health guard's rules with their live values
  qmc alerts [--all]                the guard's unresolved decisions (--all: resolved ones too)
  qmc ack --decision <id> --reason "…"
                                    acknowledge a decision; acknowledging a pause lifts it

  --json   print the answer as one JSON document (for scripts)
Environment: QMC_URL (default http://127.0.0.1:3000/api/trpc), QMC_TOKEN (an API token: qmc_…),
  QMC_TIMEOUT_MS (how long one call may take, default 30000)`;

/** A command's answer: the document `--json` prints, and the text a person reads. */
export interface CommandOutput {
  json: unknown;
  text(now: Date): string;
}

function output<T>(json: T, text: (value: T, now: Date) => string): CommandOutput {
  return { json, text: (now) => text(json, now) };
}

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
    const line = runProgressLine(run);
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
): Promise<CommandOutput> {
  const [command, sub] = args;
  switch (command) {
    case "status": {
      const [config, depths, workers, decisions] = await Promise.all([
        client.rollout.get.query(),
        client.system.queueDepths.query(),
        client.system.workers.query(),
        client.guard.alerts.query({ status: ["OPEN", "ACKNOWLEDGED"], limit: 200 }),
      ]);
      const snapshot = { config, depths, workers, unresolved: decisions.items };
      return {
        json: {
          config,
          pauseDecision: pauseDecisionOf(config, decisions.items),
          workersAlive: workers.filter((w) => w.alive).length,
          workers: workers.filter((w) => w.alive),
          depths,
          unresolvedDecisions: decisions.items,
        },
        text: (now) => statusView(snapshot, now),
      };
    }
    case "rollout": {
      if (sub !== "set")
        throw new UsageError(
          "usage: qmc rollout set [--percent N] [--on|--off] [--shadow on|off] --reason …",
        );
      const p = percent(flags);
      const config = await client.rollout.set.mutate({
        reason: reason(flags),
        ...(p === undefined ? {} : { newQueueRolloutPercent: p }),
        ...(flags.on ? { useNewQueueSystem: true } : flags.off ? { useNewQueueSystem: false } : {}),
        ...(flags.shadow === undefined ? {} : { shadowMode: flags.shadow === "on" }),
      });
      return output(config, configView);
    }
    case "rollback":
      return output(await client.rollout.rollback.mutate({ reason: reason(flags) }), configView);
    case "resume":
      return output(await client.rollout.resume.mutate({ reason: reason(flags) }), configView);
    case "migrate": {
      if (flags["dry-run"]) {
        return output(await client.migration.dryRun.mutate({ reason: reason(flags) }), dryRunView);
      }
      // The run is a worker's job: the API answers with its id at once, the CLI follows it.
      const { runId } = await client.migration.run.mutate({ reason: reason(flags) });
      return output(await followRun(client, runId, io), runView);
    }
    case "cancel": {
      if (typeof flags.run !== "string") throw new UsageError('usage: qmc cancel --run <runId> --reason "…"');
      return output(
        await client.migration.cancel.mutate({ runId: flags.run, reason: reason(flags) }),
        runView,
      );
    }
    case "resubmit": {
      if (typeof flags.event !== "string" || typeof flags.key !== "string") {
        throw new UsageError("usage: qmc resubmit --event <auditEventId> --key <idempotencyKey> --reason …");
      }
      const made = await client.audit.resubmit.mutate({
        auditEventId: flags.event,
        idempotencyKey: flags.key,
        reason: reason(flags),
      });
      return output(made, resubmissionView);
    }
    case "thresholds":
      return output(await client.guard.thresholds.query(), thresholdsView);
    case "alerts": {
      const page = await client.guard.alerts.query(flags.all ? {} : { status: ["OPEN", "ACKNOWLEDGED"] });
      return output(page, (p, now) => alertsView(p.items, now));
    }
    case "ack": {
      if (typeof flags.decision !== "string")
        throw new UsageError('usage: qmc ack --decision <id> --reason "…"');
      return output(
        await client.guard.acknowledge.mutate({ id: flags.decision, reason: reason(flags) }),
        decisionView,
      );
    }
    default:
      throw new UsageError(USAGE);
  }
}
