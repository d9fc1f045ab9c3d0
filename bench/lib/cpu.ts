import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds used so far by this process and by each server process (by pid). */
export interface CpuSample {
  self: number;
  /** pid → server name and CPU seconds; empty where /proc cannot be read. */
  servers: Map<string, { name: string; seconds: number }>;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * Where each order's CPU goes: the benchmark process (producer + worker), Postgres (all its
 * backends) and Redis. Read from /proc, so Linux only. Process names match exactly
 * ("postgres", "redis-server").
 */
export function sampleCpu(serverNames: readonly string[]): CpuSample {
  const usage = process.cpuUsage();
  const self = (usage.user + usage.system) / 1e6;
  const servers: CpuSample["servers"] = new Map();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return { self, servers };
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // comm is in parentheses and may hold spaces; the fields after it are space separated.
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!serverNames.includes(name)) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      servers.set(pid, { name, seconds: ticks / CLOCK_TICKS });
    } catch {
      // the process ended between listing and reading
    }
  }
  return { self, servers };
}

/**
 * CPU milliseconds per item between two samples, by server name. A process started in between
 * counts whole; one that ended in between is not seen, so a run keeps its connections open
 * until the second sample.
 */
export function cpuPerItem(before: CpuSample, after: CpuSample, items: number) {
  const perItem = (seconds: number) => (seconds * 1000) / items;
  const servers = new Map<string, number>();
  for (const [pid, { name, seconds }] of after.servers) {
    const used = seconds - (before.servers.get(pid)?.seconds ?? 0);
    servers.set(name, (servers.get(name) ?? 0) + perItem(used));
  }
  return { self: perItem(after.self - before.self), servers };
}
