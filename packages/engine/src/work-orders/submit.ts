import { randomUUID } from "node:crypto";
import {
  type CommandPolicy,
  DomainError,
  isDomainError,
  type QueueSystem,
  type ValidatedSubmission,
  validateSubmission,
} from "@qmc/core";
import type { Prisma, PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { jobOptions, type SystemQueues } from "../queues/system-queues.ts";

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
  route?: { bucket: number; configVersion: number };
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
}

const LEGACY_INITIAL_STATUS = "queued";

/**
 * The submit path of both systems: validate against the task catalog, write the order with
 * its first history row and its audit event (holding the full submission, so the order can
 * be re-submitted from the audit trail) in one transaction, then enqueue with jobId = order
 * id. Postgres commits first: a crash before the enqueue leaves a PENDING order that the
 * reconciler enqueues, never a job without an order.
 */
export class WorkOrderSubmitter {
  constructor(
    private readonly prisma: PrismaClient,
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
    const prepared = requests.map((request, index) => this.prepare(request, index, requests.length));
    for (const system of new Set(prepared.map((p) => p.request.system))) {
      const adding = prepared.filter((p) => p.request.system === system).length;
      await this.assertCapacity(system, adding);
    }
    await this.prisma.$transaction(async (tx) => {
      for (const system of ["LEGACY", "NEW"] as const) {
        const batch = prepared.filter((p) => p.request.system === system);
        if (batch.length) await this.write(tx, system, batch);
      }
    });
    return Promise.all(prepared.map((p) => this.enqueue(p)));
  }

  private prepare(request: SubmitRequest, index: number, total: number): Prepared {
    try {
      const validated = validateSubmission(request, this.commandPolicy);
      return { request, validated, id: request.id ?? randomUUID() };
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
    let depth: number;
    try {
      depth = await this.queues.waitingCount(system);
    } catch (error) {
      // Redis down: the order is still safe in Postgres and the reconciler will enqueue it.
      this.logger.warn({ err: error, system }, "queue depth unknown; accepting submission");
      return;
    }
    if (depth + adding > this.options.maxQueueDepth) {
      throw new DomainError(
        "BACKPRESSURE",
        `The ${system === "NEW" ? "new" : "legacy"} queue holds ${depth} waiting orders; the limit is ${this.options.maxQueueDepth}. Retry later or raise MAX_QUEUE_DEPTH.`,
        { system, depth, limit: this.options.maxQueueDepth },
      );
    }
  }

  private async write(tx: Prisma.TransactionClient, system: QueueSystem, batch: Prepared[]): Promise<void> {
    const at = new Date();
    if (system === "NEW") {
      await tx.workOrder.createMany({ data: batch.map((p) => newOrderRow(p, at)) });
      await tx.stateTransition.createMany({
        data: batch.map((p) => ({
          workOrderId: p.id,
          fromState: null,
          toState: "PENDING" as const,
          event: "SUBMIT" as const,
          at,
          attempt: 0,
          metadata: { actor: p.request.actor },
        })),
      });
    } else {
      await tx.legacyWorkOrder.createMany({ data: batch.map((p) => legacyOrderRow(p, at)) });
      await tx.legacyStatusChange.createMany({
        data: batch.map((p) => ({
          workOrderId: p.id,
          fromStatus: null,
          toStatus: LEGACY_INITIAL_STATUS,
          at,
        })),
      });
    }
    await tx.auditEvent.createMany({ data: batch.map((p) => submitAuditRow(p, system, at)) });
  }

  private async enqueue({ id, request, validated }: Prepared): Promise<SubmittedOrder> {
    const { system } = request;
    try {
      await this.queues
        .of(system)
        .add(validated.kind, { workOrderId: id }, jobOptions(id, 1, validated.priority));
      return { id, system, enqueued: true };
    } catch (error) {
      this.logger.warn({ err: error, workOrderId: id, system }, "enqueue failed; the reconciler will retry");
      return { id, system, enqueued: false };
    }
  }
}

interface Prepared {
  request: SubmitRequest;
  validated: ValidatedSubmission;
  id: string;
}

function newOrderRow(p: Prepared, at: Date): Prisma.WorkOrderCreateManyInput {
  const { request, validated } = p;
  return {
    id: p.id,
    kind: validated.kind,
    payload: validated.payload as Prisma.InputJsonValue,
    state: "PENDING",
    role: request.role ?? "PRIMARY",
    priority: validated.priority,
    // Shadows never retry into side effects: one attempt, compared as it is.
    maxAttempts: request.role === "SHADOW" ? 1 : validated.maxAttempts,
    shadowOfId: request.shadowOfId ?? null,
    migrated: request.migrated ?? false,
    originalSubmittedAt: request.originalSubmittedAt ?? null,
    resubmittedFromId: request.resubmittedFromId ?? null,
    submittedBy: request.actor,
    routeBucket: request.route?.bucket ?? null,
    configVersion: request.route?.configVersion ?? null,
    createdAt: at,
    updatedAt: at,
  };
}

function legacyOrderRow(p: Prepared, at: Date): Prisma.LegacyWorkOrderCreateManyInput {
  const { request, validated } = p;
  return {
    id: p.id,
    kind: validated.kind,
    payload: validated.payload as Prisma.InputJsonValue,
    status: LEGACY_INITIAL_STATUS,
    priority: validated.priority,
    submittedBy: request.actor,
    submittedAt: at,
    routeBucket: request.route?.bucket ?? null,
    configVersion: request.route?.configVersion ?? null,
    resubmittedFromId: request.resubmittedFromId ?? null,
  };
}

function submitAuditRow(p: Prepared, system: QueueSystem, at: Date): Prisma.AuditEventCreateManyInput {
  const { request, validated } = p;
  return {
    at,
    actor: request.actor,
    actorUserId: request.actorUserId ?? null,
    action: "work_order.submit",
    subjectType: system === "NEW" ? "WorkOrder" : "LegacyWorkOrder",
    subjectId: p.id,
    after: { system, role: request.role ?? "PRIMARY", route: request.route ?? null } as Prisma.InputJsonValue,
    // The full submission as the caller gave it, so it can be re-submitted even if the row is gone.
    submission: {
      kind: validated.kind,
      payload: request.payload,
      priority: validated.priority,
    } as Prisma.InputJsonValue,
  };
}
