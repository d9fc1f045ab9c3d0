import type { RouterOutputs } from "@qmc/api";
import { block, dotted, formatAge, formatCount, formatPercent, formatWhen, plain, quoted } from "./text.ts";

type Config = RouterOutputs["rollout"]["get"];
type Depths = RouterOutputs["system"]["queueDepths"];
type Worker = RouterOutputs["system"]["workers"][number];
type Decision = RouterOutputs["guard"]["alerts"]["items"][number];

/** What `qmc status` reads: one call per part, all at the same moment. */
export interface StatusSnapshot {
  config: Config;
  depths: Depths;
  workers: Worker[];
  /** The guard's OPEN and ACKNOWLEDGED decisions, newest first. */
  unresolved: Decision[];
}

/** "new system ON · 50 % to new · shadow on" */
export function routingLine(config: Config): string {
  if (config.legacyRetired) return "legacy retired · every order to the new system";
  const shadow = config.shadowMode ? "shadow on" : "shadow off";
  if (!config.useNewQueueSystem) {
    const later =
      config.newQueueRolloutPercent > 0
        ? ` (${formatPercent(config.newQueueRolloutPercent)} to new once switched on)`
        : "";
    return dotted(["new system OFF", `every order to legacy${later}`, shadow]);
  }
  return dotted(["new system ON", `${formatPercent(config.newQueueRolloutPercent)} to new`, shadow]);
}

/** The guard's pause decision behind a paused rollout: the newest OPEN one. */
export function pauseDecisionOf(config: Config, unresolved: Decision[]): Decision | null {
  if (!config.paused) return null;
  return unresolved.find((d) => d.action === "PAUSE_ROLLOUT" && d.status === "OPEN") ?? null;
}

/** "no", or why it is paused and the command that lifts it. */
export function pausedLine(config: Config, decision: Decision | null, now: Date): string {
  if (!config.paused) return "no";
  const why = plain(config.pausedReason ?? "paused by the health guard");
  if (!decision) return `yes — ${why}; lift it with qmc resume --reason "…"`;
  return `yes — ${why} (decision ${decision.id}, ${formatAge(decision.at, now)}); acknowledge with qmc ack --decision ${decision.id} --reason "…"`;
}

/** 'v17, changed 4 min ago (… UTC) by alice@example.com: "raise to 50"' */
export function configLine(config: Config, now: Date): string {
  return `v${config.version}, changed ${formatWhen(config.createdAt, now)} by ${plain(config.actor, 80)}: ${quoted(config.reason, 80)}`;
}

const NAMES_SHOWN = 4;

/** "2 alive (host-a-1, host-b-7)", by name; a fleet of many is cut after a few names. */
export function workersLine(workers: Worker[]): string {
  const alive = workers
    .filter((w) => w.alive)
    .map((w) => plain(w.workerId, 60))
    .sort((a, b) => a.localeCompare(b));
  if (alive.length === 0) return "none alive — orders wait until a worker runs (npm start, or apps/worker)";
  const shown = alive.slice(0, NAMES_SHOWN).join(", ");
  const more = alive.length > NAMES_SHOWN ? `, +${formatCount(alive.length - NAMES_SHOWN)} more` : "";
  return `${formatCount(alive.length)} alive (${shown}${more})`;
}

function sum(counts: Record<string, number>, keys: readonly string[]): number {
  return keys.reduce((total, key) => total + (counts[key] ?? 0), 0);
}

/**
 * Orders not finished yet, per system, from Postgres (the source of truth): legacy "queued" and
 * new PENDING wait; building/PREPARING and running run; WAITING_RETRY waits for its retry.
 */
export function depthsLine(depths: Depths, config: Config): string {
  const legacy = depths.orders.LEGACY;
  const newSystem = depths.orders.NEW;
  const legacyPart = config.legacyRetired
    ? "legacy retired"
    : `legacy ${dotted([
        `${formatCount(sum(legacy, ["queued"]))} waiting`,
        `${formatCount(sum(legacy, ["building", "running"]))} running`,
      ])}`;
  const newPart = `new ${dotted([
    `${formatCount(sum(newSystem, ["PENDING"]))} waiting`,
    `${formatCount(sum(newSystem, ["PREPARING", "RUNNING"]))} running`,
    `${formatCount(sum(newSystem, ["WAITING_RETRY"]))} retrying`,
  ])}`;
  return `${legacyPart}   ${newPart}`;
}

/** "none", or how many decisions still need a look. */
export function alertsLine(unresolved: Decision[]): string {
  if (unresolved.length === 0) return "none";
  const open = unresolved.filter((d) => d.status === "OPEN").length;
  const acknowledged = unresolved.length - open;
  return `${dotted([
    open > 0 && `${formatCount(open)} open`,
    acknowledged > 0 && `${formatCount(acknowledged)} acknowledged`,
  ])} — qmc alerts lists them`;
}

/** The rollout's state in three lines: what `rollout set`, `rollback` and `resume` answer. */
export function configView(config: Config, now: Date): string {
  return block([
    ["Routing", routingLine(config)],
    ["Paused", pausedLine(config, null, now)],
    ["Config", configLine(config, now)],
  ]);
}

/** What an operator scans first: routing, pause, config, workers, depths, alerts. */
export function statusView(status: StatusSnapshot, now: Date): string {
  const { config, depths, workers, unresolved } = status;
  return block([
    ["Routing", routingLine(config)],
    ["Paused", pausedLine(config, pauseDecisionOf(config, unresolved), now)],
    ["Config", configLine(config, now)],
    ["Workers", workersLine(workers)],
    ["Depths", depthsLine(depths, config)],
    ["Alerts", alertsLine(unresolved)],
  ]);
}
