import { randomUUID } from "node:crypto";
import {
  type CommandPolicy,
  DomainError,
  isDomainError,
  type QueueSystem,
  type ValidatedSubmission,
  validateSubmission,
} from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { type OrderMetrics, recordSubmitted } from "../metrics/order-metrics.ts";
import { jobOptions, type SystemQueues } from "../queues/system-queues.ts";
import { INSERT_LEGACY_ORDERS_SQL, INSERT_NEW_ORDERS_SQL } from "./submit-sql.ts";

export interface SubmitRequest {
  /** Normally generated; given by migration and resubmission flows that need a known id. */
  id?: string;
  kind: string;
  payload: unknown;
  priority?: number;
  system: QueueSystem;
  actor: string;
  actorUserId?: string;
  role?: "PRIMARY" | "SHADOW";
  shadowOfId?: string;
  migrated?: boolean;
  originalSubmittedAt?: Date;
  resubmittedFromId?: string;
  /** Where routing sent it and why; bucket and version are stored on the order, all of it in the audit event. */
  route?: { bucket: number; configVersion: number; reason?: string };
}

export interface SubmittedOrder {
  id: string;
  system: QueueSystem;
  /** False when Redis refused the job; the reconciler enqueues it later, nothing is lost. */
  enqueued: boolean;
}

export interface SubmitterOptions {
  /** Waiting jobs of a system beyond which submit is refused. @defaultValue 10000 */
  maxQueueDepth: number;
  /** Counts each committed order as submitted, in memory. */
  metrics?: OrderMetrics;
}

/**
 * The submit path of both systems: validate against the task catalog, write the order with
 * its first history row and its audit event (holding the full submission, so the order can
 * be re-submitted from the audit trail) in one transaction, then enqueue with jobId = order
 * id. Postgres commits first: a crash before the enqueue leaves a PENDING order that the
 * reconciler enqueues, never a job without an order.
 */
export class WorkOrderSubmitter {
  constructor(
    readonly prisma: PrismaClient,
    private readonly queues: SystemQueues,
    private readonly commandPolicy: CommandPolicy,
    private readonly logger: Logger,
    private readonly options: SubmitterOptions = { maxQueueDepth: 10_000 },
  ) {}

  async submit(request: SubmitRequest): Promise<SubmittedOrder> {
    const [order] = await this.submitMany([request]);
    if (!order) throw new Error("submitMany returned no order for one request");
    return order;
  }

  /** All or nothing: one invalid request refuses the whole batch before anything is written. */
  async submitMany(requests: SubmitRequest[]): Promise<SubmittedOrder[]> {
    const prepared = requests.map((request, index) => this.prepareNumbered(request, index, requests.length));
    for (const system of new Set(prepared.map((p) => p.request.system))) {
      const adding = prepared.filter((p) => p.request.system === system).length;
      await this.assertCapacity(system, adding);
    }
    const bySystem = (["LEGACY", "NEW"] as const)
      .map((system) => [system, prepared.filter((p) => p.request.system === system)] as const)
      .filter(([, batch]) => batch.length > 0);
    if (bySystem.length === 1) {
      const [system, batch] = bySystem[0] ?? [];
      if (system && batch) await this.write(system, batch);
    } else {
      // Both systems in one batch: one transaction, so the batch stays all or nothing.
      await this.prisma.$transaction(async (tx) => {
        for (const [system, batch] of bySystem) await this.write(system, batch, tx);
      });
    }
    this.recordSubmitted(requests);
    return this.enqueue(prepared);
  }

  /**
   * Checks one request against the task catalog and the command policy, and gives it its id.
   * @throws DomainError UNKNOWN_TASK_KIND | INVALID_PAYLOAD | PAYLOAD_TOO_LARGE | INVALID_PRIORITY |
   *   COMMAND_NOT_ALLOWED
   */
  prepare(request: SubmitRequest): Prepared {
    const validated = validateSubmission(request, this.commandPolicy);
    return { request, validated, id: request.id ?? randomUUID() };
  }

  private prepareNumbered(request: SubmitRequest, index: number, total: number): Prepared {
    try {
      return this.prepare(request);
    } catch (error) {
      if (isDomainError(error) && total > 1) {
        throw new DomainError(error.code, `Submission #${index + 1}: ${error.message}`, {
          ...error.details,
          index,
        });
      }
      throw error;
    }
  }

  private async assertCapacity(system: QueueSystem, adding: number): Promise<void> {
    const depth = await this.waitingDepth(system);
    if (depth !== null && depth + adding > this.options.maxQueueDepth) throw this.backpressure(system, depth);
  }

  /** Orders of `system` waiting to start, or null when Redis does not answer (then accept). */
  async waitingDepth(system: QueueSystem): Promise<number | null> {
    try {
      return await this.queues.waitingCount(system);
    } catch (error) {
      // Redis down: the order is still safe in Postgres and the reconciler will enqueue it.
      this.logger.warn({ err: error, system }, "queue depth unknown; accepting submission");
      return null;
    }
  }

  get maxQueueDepth(): number {
    return this.options.maxQueueDepth;
  }

  /** BACKPRESSURE: `system` already holds `depth` waiting orders. */
  backpressure(system: QueueSystem, depth: number): DomainError {
    const limit = this.options.maxQueueDepth;
    return new DomainError(
      "BACKPRESSURE",
      `The ${system === "NEW" ? "new" : "legacy"} queue holds ${depth} waiting orders; the limit is ${limit}. Retry later, or raise the maximum queue depth.`,
      { system, depth, limit },
    );
  }

  /** Counts committed orders as submitted (this process's metrics). */
  recordSubmitted(requests: SubmitRequest[]): void {
    recordSubmitted(this.options.metrics, requests);
  }

  private async write(
    system: QueueSystem,
    batch: Prepared[],
    client: Pick<PrismaClient, "$executeRawUnsafe"> = this.prisma,
  ): Promise<void> {
    const at = new Date().toISOString();
    const rows = batch.map((p) => (system === "NEW" ? newOrderRow(p, at) : legacyOrderRow(p, at)));
    await client.$executeRawUnsafe(
      system === "NEW" ? INSERT_NEW_ORDERS_SQL : INSERT_LEGACY_ORDERS_SQL,
      JSON.stringify(rows),
    );
  }

  /**
   * Enqueues committed orders: one addBulk per system, so a batch of orders costs one Redis round
   * trip, not one each. A refused addBulk is logged; the reconciler enqueues those orders later.
   */
  async enqueue(prepared: Prepared[]): Promise<SubmittedOrder[]> {
    const enqueued = new Map<string, boolean>();
    // Each system's queue has its own connection: both addBulk calls travel at once.
    await Promise.all(
      (["LEGACY", "NEW"] as const).map(async (system) => {
        const batch = prepared.filter((p) => p.request.system === system);
        if (!batch.length) return;
        const jobs = batch.map(({ id, validated }) => ({
          name: validated.kind,
          data: { workOrderId: id },
          opts: jobOptions(id, 1, validated.priority),
        }));
        let ok = true;
        try {
          await this.queues.of(system).addBulk(jobs);
        } catch (error) {
          ok = false;
          this.logger.warn(
            { err: error, system, orders: batch.length },
            "enqueue failed; the reconciler will retry",
          );
        }
        for (const p of batch) enqueued.set(p.id, ok);
      }),
    );
    return prepared.map((p) => ({
      id: p.id,
      system: p.request.system,
      enqueued: enqueued.get(p.id) ?? false,
    }));
  }
}

/** A request checked against the catalog, with its id: ready to be written. */
export interface Prepared {
  request: SubmitRequest;
  validated: ValidatedSubmission;
  id: string;
}

/** One input row of INSERT_NEW_ORDERS_SQL. */
export function newOrderRow({ id, request, validated }: Prepared, at: string) {
  return {
    id,
    kind: validated.kind,
    payload: validated.payload,
    role: request.role ?? "PRIMARY",
    priority: validated.priority,
    // Shadows never retry into side effects: one attempt, compared as it is.
    maxAttempts: request.role === "SHADOW" ? 1 : validated.maxAttempts,
    shadowOfId: request.shadowOfId ?? null,
    migrated: request.migrated ?? false,
    originalSubmittedAt: request.originalSubmittedAt?.toISOString() ?? null,
    resubmittedFromId: request.resubmittedFromId ?? null,
    ...commonRow({ id, request, validated }, "NEW", at),
  };
}

/** One input row of INSERT_LEGACY_ORDERS_SQL. */
export function legacyOrderRow({ id, request, validated }: Prepared, at: string) {
  return {
    id,
    kind: validated.kind,
    payload: validated.payload,
    priority: validated.priority,
    resubmittedFromId: request.resubmittedFromId ?? null,
    ...commonRow({ id, request, validated }, "LEGACY", at),
  };
}

function commonRow({ request, validated }: Prepared, system: QueueSystem, at: string) {
  return {
    submittedBy: request.actor,
    actorUserId: request.actorUserId ?? null,
    routeBucket: request.route?.bucket ?? null,
    configVersion: request.route?.configVersion ?? null,
    at,
    after: { system, role: request.role ?? "PRIMARY", route: request.route ?? null },
    // The full submission as the caller gave it, so it can be re-submitted even if the row is gone.
    submission: { kind: validated.kind, payload: request.payload, priority: validated.priority },
  };
}
