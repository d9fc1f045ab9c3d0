import type { BackgroundRun } from "./migration-words";

export type RunHolder = NonNullable<BackgroundRun["holder"]>;

const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));

/** The worker by its id, and its host when the id does not already say it. */
function workerName(holder: RunHolder): string {
  const { workerId, host } = holder;
  return host && !workerId.startsWith(host) ? `${workerId} on ${host}` : workerId;
}

/**
 * What the console says while a run's worker does not answer (null while it does): since when,
 * and when another worker takes the run over — or that none is running to do it.
 */
export function holderSilenceText(holder: RunHolder | null, what = "this migration"): string | null {
  if (!holder || holder.answering) return null;
  const since = holder.silentForMs === null ? "" : ` ${seconds(holder.silentForMs)} s ago`;
  const stopped = `The worker running ${what} (${workerName(holder)}) stopped answering${since}`;
  if (holder.standbyWorkers === 0) {
    return `${stopped}, and no other worker is running to take it over: start a worker, and it continues from where the run stopped.`;
  }
  const within = holder.takeoverWithinMs ?? 0;
  return within <= 0
    ? `${stopped}; another worker is taking it over now.`
    : `${stopped}; another worker takes it over within ~${Math.ceil(within / 1000)} s.`;
}
