import { Session } from "node:inspector/promises";

/** The parts of a V8 CPU profile read here (Profiler.stop's `profile`). */
interface V8Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Samples this process's JavaScript stacks (the same profiler `node --cpu-prof` uses) between
 * start and stop, without a restart: the benchmark profiles only its timed part.
 */
export class CpuProfiler {
  private readonly session = new Session();

  async start(samplingIntervalUs = 500): Promise<void> {
    this.session.connect();
    await this.session.post("Profiler.enable");
    await this.session.post("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
    await this.session.post("Profiler.start");
  }

  /**
   * Self time in milliseconds by where the code comes from (see {@link ownerOf}), idle excluded;
   * V8's builtins (JSON, strings, maps…) are billed to the JavaScript that called them.
   */
  async stop(): Promise<ProfileSummary> {
    const { profile } = (await this.session.post("Profiler.stop")) as unknown as { profile: V8Profile };
    await this.session.post("Profiler.disable");
    this.session.disconnect();
    return summarize(profile);
  }
}

export interface ProfileSummary {
  /** Milliseconds by package. */
  byOwner: Map<string, number>;
  /** Milliseconds by function (`name (file:line)`), builtins billed to their caller as above. */
  byFunction: Map<string, number>;
}

export function summarize(profile: V8Profile): ProfileSummary {
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const own = new Map(profile.nodes.map((node) => [node.id, ownerOf(node.callFrame)]));
  const owners = new Map<number, string>();
  const functions = new Map<number, string>();
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) {
    let id: number | undefined = node.id;
    let owner = own.get(id) ?? "?";
    // A builtin's caller is the nearest frame up the stack that is not one.
    while (owner === BUILTINS && id !== undefined) {
      id = parents.get(id);
      const up = id === undefined ? undefined : own.get(id);
      if (up === undefined) break;
      owner = up;
    }
    owners.set(node.id, owner);
    const frame = (id === undefined ? undefined : nodes.get(id))?.callFrame ?? node.callFrame;
    const file = frame.url.split("/").slice(-2).join("/");
    functions.set(node.id, `${frame.functionName || "(anonymous)"} (${file || "native"})`);
  }
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  profile.samples.forEach((nodeId, i) => {
    const owner = owners.get(nodeId) ?? "?";
    if (owner === "(idle)") return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
    const fn = functions.get(nodeId) ?? "?";
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  });
  return { byOwner, byFunction };
}

/**
 * The package a frame's code belongs to: a dependency (`bullmq`, `ioredis`, `pg`, `@prisma/…`),
 * one of ours (`@qmc/engine`), Node's own modules, or V8 (GC, builtins, native code).
 */
const BUILTINS = "V8: builtins";

export function ownerOf({ functionName, url }: { functionName: string; url: string }): string {
  if (url === "") {
    if (functionName === "(garbage collector)") return "V8: garbage collection";
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(program)") return "V8: native (program)";
    return BUILTINS;
  }
  if (url.startsWith("node:")) return "node: core modules";
  const dependency = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency?.[1]) {
    const name = dependency[1];
    return name.startsWith("@prisma/") ? "@prisma/*" : name;
  }
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ours?.[2]) {
    // The generated Prisma client lives in the db package but is Prisma's code.
    if (url.includes("/generated/prisma/")) return "@prisma/* (generated client)";
    return ours[1] === "packages" ? `@qmc/${ours[2]}` : `apps/${ours[2]}`;
  }
  if (url.includes("/bench/")) return "bench (producer loop)";
  return "other";
}
