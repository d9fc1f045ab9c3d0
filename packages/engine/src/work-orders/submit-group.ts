import type { QueueSystem } from "@qmc/core";
import { type PrismaClient, queryPrepared } from "@qmc/db";
import {
  legacyOrderRow,
  newOrderRow,
  type Prepared,
  type SubmittedOrder,
  type WorkOrderSubmitter,
} from "./submit.ts";
import { isRowFault, postgresFault } from "./submit-group-faults.ts";
import { SUBMIT_GROUP_SQL } from "./submit-group-sql.ts";

/** One request joining a group: its orders are written together, or not at all. */
export interface GroupMember {
  /** Checked already (WorkOrderSubmitter.prepare): a request's own bad input never joins a group. */
  prepared: Prepared[];
  /** An idempotency key the request claims: its orders are written only if the claim succeeds. */
  claim?: { key: string; workOrderId: string; system: QueueSystem };
}

/** A member's outcome: its orders, or `keyTaken` when its key was claimed earlier (nothing written). */
export type MemberOutcome = { keyTaken: false; orders: SubmittedOrder[] } | { keyTaken: true };

export interface SubmitGroupOptions {
  /** Orders one group writes at most; a larger request is written on its own. @defaultValue 1000 */
  maxOrders?: number;
  /** Groups written at the same time, each on its own connection. @defaultValue 2 */
  concurrency?: number;
  /**
   * How long the first request of a group waits for others before an idle writer starts it (it
   * never waits when maxOrders are queued; requests queued while a group is written go at once).
   * @defaultValue 2
   */
  lingerMs?: number;
  /**
   * How long a queue's waiting count is reused for backpressure, counting the orders admitted
   * since on top: under load, groups follow each other faster than the count needs refreshing.
   * @defaultValue 100
   */
  depthCacheMs?: number;
}

interface Entry {
  member: GroupMember;
  resolve: (outcome: MemberOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for submissions. Requests that arrive within a short linger, or while earlier
 * groups are being written, form the next group: one INSERT statement and one commit for all
 * their orders and keys, one
 * waiting-count per queue for backpressure and one addBulk per queue. Each request keeps its own
 * outcome: one over the queue limit gets BACKPRESSURE alone, one whose idempotency key is taken
 * writes nothing, and a row Postgres refuses (a data error) is found by writing the members one by
 * one. A database that does not answer fails every member with SERVICE_UNAVAILABLE.
 */
export class SubmitGroup {
  private queue: Entry[] = [];
  private queuedOrders = 0;
  private writers = 0;
  private lingering: NodeJS.Timeout | null = null;
  private writing = 0;
  private readonly depths = new Map<QueueSystem, { depth: number | null; at: number }>();
  /** What was written since start: statements (groups), requests and orders in them. */
  readonly stats = { groups: 0, requests: 0, orders: 0 };

  constructor(
    private readonly prisma: PrismaClient,
    private readonly submitter: WorkOrderSubmitter,
    private readonly options: SubmitGroupOptions = {},
  ) {}

  push(member: GroupMember): Promise<MemberOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ member, resolve, reject });
      this.queuedOrders += member.prepared.length;
      this.schedule();
    });
  }

  /** Starts a writer when one is free: after the linger, or at once when a full group waits. */
  private schedule(): void {
    if (this.writers >= (this.options.concurrency ?? 2)) return;
    const full = this.queuedOrders >= (this.options.maxOrders ?? 1000);
    if (!full && this.lingering) return;
    if (this.lingering) clearTimeout(this.lingering);
    const start = () => {
      this.lingering = null;
      if (this.queue.length === 0 || this.writers >= (this.options.concurrency ?? 2)) return;
      this.writers += 1;
      void this.drain();
    };
    if (full) start();
    else this.lingering = setTimeout(start, this.options.lingerMs ?? 2);
  }

  /** Requests waiting for a group, and requests in groups being written now. */
  load(): { waiting: number; writing: number } {
    return { waiting: this.queue.length, writing: this.writing };
  }

  private async drain(): Promise<void> {
    // Requests queued while a group is being written go next, without lingering: they waited.
    while (this.queue.length > 0) {
      const group = this.take();
      this.writing += group.length;
      // A bug must not leave requests waiting forever (settled ones ignore a second answer).
      await this.writeGroup(group).catch((error: unknown) => {
        for (const entry of group) entry.reject(error);
      });
      this.writing -= group.length;
    }
    this.writers -= 1;
  }

  /** The next group: requests in arrival order up to maxOrders orders, each key once. */
  private take(): Entry[] {
    const maxOrders = this.options.maxOrders ?? 1000;
    const group: Entry[] = [];
    const rest: Entry[] = [];
    const keys = new Set<string>();
    let orders = 0;
    for (const entry of this.queue) {
      const size = entry.member.prepared.length;
      const key = entry.member.claim?.key;
      const fits = group.length === 0 || orders + size <= maxOrders;
      if (fits && (key === undefined || !keys.has(key))) {
        group.push(entry);
        orders += size;
        if (key !== undefined) keys.add(key);
      } else {
        rest.push(entry);
      }
    }
    this.queue = rest;
    this.queuedOrders -= orders;
    return group;
  }

  private async writeGroup(entries: Entry[]): Promise<void> {
    const admitted = await this.admit(entries);
    if (admitted.length === 0) return;
    let claimed: Set<string>;
    try {
      claimed = await this.write(admitted.map((e) => e.member));
    } catch (error) {
      if (admitted.length > 1 && isRowFault(error)) {
        // One member's rows are refused (or two groups collided): each alone, so only it fails.
        for (const entry of admitted) await this.writeGroup([entry]);
        return;
      }
      const failure = postgresFault(error);
      for (const entry of admitted) entry.reject(failure);
      return;
    }
    const written: Entry[] = [];
    for (const entry of admitted) {
      if (!entry.member.claim || claimed.has(entry.member.claim.key)) written.push(entry);
      else entry.resolve({ keyTaken: true });
    }
    const prepared = written.flatMap((e) => e.member.prepared);
    this.submitter.recordSubmitted(prepared.map((p) => p.request));
    this.stats.groups += 1;
    this.stats.requests += written.length;
    this.stats.orders += prepared.length;
    const submitted = new Map((await this.submitter.enqueue(prepared)).map((s) => [s.id, s]));
    for (const entry of written) {
      const orders = entry.member.prepared.map((p) => submitted.get(p.id) as SubmittedOrder);
      entry.resolve({ keyTaken: false, orders });
    }
  }

  /**
   * Backpressure for the whole group from one waiting count per queue (reused for depthCacheMs):
   * members are admitted in arrival order while their queues stay within the limit; the others
   * get BACKPRESSURE.
   */
  private async admit(entries: Entry[]): Promise<Entry[]> {
    const systems = [...new Set(entries.flatMap((e) => e.member.prepared.map((p) => p.request.system)))];
    const depths = new Map(await Promise.all(systems.map(async (s) => [s, await this.depthOf(s)] as const)));
    const limit = this.submitter.maxQueueDepth;
    const admitted: Entry[] = [];
    for (const entry of entries) {
      const adding = countBySystem(entry.member.prepared);
      const full = systems.find((s) => {
        const depth = depths.get(s);
        return depth != null && depth + (adding.get(s) ?? 0) > limit;
      });
      if (full) {
        entry.reject(this.submitter.backpressure(full, depths.get(full) ?? 0));
        continue;
      }
      for (const [s, n] of adding) {
        const depth = depths.get(s);
        if (depth != null) depths.set(s, depth + n);
      }
      admitted.push(entry);
    }
    const at = Date.now();
    for (const [s, depth] of depths) {
      const cached = this.depths.get(s);
      if (cached) this.depths.set(s, { depth, at: cached.at });
      else this.depths.set(s, { depth, at });
    }
    return admitted;
  }

  /** Orders of `system` waiting to start, as last counted (at most depthCacheMs ago) plus admitted since. */
  private async depthOf(system: QueueSystem): Promise<number | null> {
    const cached = this.depths.get(system);
    if (cached && Date.now() - cached.at < (this.options.depthCacheMs ?? 100)) return cached.depth;
    const depth = await this.submitter.waitingDepth(system);
    this.depths.set(system, { depth, at: Date.now() });
    return depth;
  }

  /** The group's one statement; returns the keys it claimed. */
  private async write(members: GroupMember[]): Promise<Set<string>> {
    const at = new Date().toISOString();
    const newSystemRows: object[] = [];
    const legacy: object[] = [];
    const keys: object[] = [];
    for (const { prepared, claim } of members) {
      if (claim) keys.push({ ...claim, at });
      for (const p of prepared) {
        if (p.request.system === "NEW")
          newSystemRows.push({ ...newOrderRow(p, at), claim: claim?.key ?? null });
        else legacy.push({ ...legacyOrderRow(p, at), claim: claim?.key ?? null });
      }
    }
    const rows = await queryPrepared<{ key: string }>(this.prisma, SUBMIT_GROUP_SQL, [
      JSON.stringify(newSystemRows),
      JSON.stringify(legacy),
      JSON.stringify(keys),
    ]);
    return new Set(rows.map((r) => r.key));
  }
}

function countBySystem(prepared: Prepared[]): Map<QueueSystem, number> {
  const counts = new Map<QueueSystem, number>();
  for (const p of prepared) counts.set(p.request.system, (counts.get(p.request.system) ?? 0) + 1);
  return counts;
}
