import { DomainError, isDomainError } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { RoutedSubmission, RoutedSubmitInput } from "../routing/queue-manager.ts";
import type { Prepared, SubmitRequest, WorkOrderSubmitter } from "./submit.ts";
import { SubmitGroup, type SubmitGroupOptions } from "./submit-group.ts";
import {
  idempotentOrderIds,
  type ReplayedOrder,
  replayTakenKey,
  type SubmitIdempotency,
  storedSubmitKey,
} from "./submit-idempotency.ts";

/** One input routed: the order, where it goes, and the requests it writes (its shadow copy too). */
export interface RoutePlan {
  submission: RoutedSubmission;
  requests: SubmitRequest[];
}

/** What a producer's request made: fresh orders, or (a repeat of a keyed request) the first answer. */
export type ProducerSubmission =
  | { replayed: false; orders: RoutedSubmission[] }
  | { replayed: true; orders: ReplayedOrder[] };

/**
 * The submit path of producers and the console (REST `/api/v1/work-orders`, tRPC
 * `workOrders.submit`): each request is checked on its own first, then joins the group commit
 * (SubmitGroup) — so a bad order fails only its request, while concurrent requests share one
 * statement, one commit and one addBulk per queue. A request is all or nothing.
 */
export class ProducerSubmitter {
  private readonly group: SubmitGroup;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly submitter: WorkOrderSubmitter,
    private readonly plan: (inputs: RoutedSubmitInput[]) => RoutePlan[],
    options: SubmitGroupOptions = {},
  ) {
    this.group = new SubmitGroup(prisma, submitter, options);
  }

  /** Statements (groups) written so far, and the requests and orders they carried. */
  get stats(): Readonly<SubmitGroup["stats"]> {
    return this.group.stats;
  }

  /** Requests waiting for a group, and requests in groups being written now. */
  load(): { waiting: number; writing: number } {
    return this.group.load();
  }

  /** One order, as `QueueManager.submit` answers it, through the group commit. */
  async submitOne(input: RoutedSubmitInput): Promise<RoutedSubmission> {
    const result = await this.submit([input]);
    const order = result.replayed ? undefined : result.orders[0];
    if (!order) throw new Error("an unkeyed submit made no fresh order");
    return order;
  }

  /**
   * Submits `inputs` all or nothing. With `idempotency`, the same key and the same inputs answer
   * the first request's orders again (`replayed`), and the key with other inputs is refused.
   * @throws DomainError — the catalog's codes with `details.index` (which input), BACKPRESSURE,
   *   IDEMPOTENCY_KEY_REUSED, SERVICE_UNAVAILABLE (postgres)
   */
  async submit(inputs: RoutedSubmitInput[], idempotency?: SubmitIdempotency): Promise<ProducerSubmission> {
    const ids = idempotency ? idempotentOrderIds(idempotency, inputs) : null;
    const keyed = ids ? inputs.map((input, i) => ({ ...input, id: ids[i] as string })) : inputs;
    const plans = this.plan(keyed);
    const prepared = this.prepare(plans);
    for (let attempt = 0; ; attempt++) {
      const first = plans[0]?.submission;
      const claim =
        idempotency && ids && first
          ? { key: storedSubmitKey(idempotency), workOrderId: first.id, system: first.system }
          : undefined;
      const outcome = await this.group.push({ prepared, ...(claim ? { claim } : {}) });
      if (!outcome.keyTaken) {
        const enqueued = new Map(outcome.orders.map((o) => [o.id, o.enqueued]));
        const orders = plans.map(({ submission }) => ({
          ...submission,
          enqueued: enqueued.get(submission.id) ?? false,
        }));
        return { replayed: false, orders };
      }
      const replay = await replayTakenKey(this.prisma, idempotency as SubmitIdempotency, ids as string[]);
      if (replay) return { replayed: true, orders: replay };
      if (attempt > 0) throw new Error("an idempotency key was taken and then gone twice");
    }
  }

  /** Every input checked before anything is written; an error names the input's index. */
  private prepare(plans: RoutePlan[]): Prepared[] {
    return plans.flatMap(({ requests }, index) => {
      try {
        return requests.map((request) => this.submitter.prepare(request));
      } catch (error) {
        if (!isDomainError(error) || plans.length === 1) throw error;
        throw new DomainError(error.code, `Order #${index + 1}: ${error.message}`, {
          ...error.details,
          index,
        });
      }
    });
  }
}
