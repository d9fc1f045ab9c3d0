import { randomUUID } from "node:crypto";
import { isTaskKind, type RouteDecision, routeWorkOrder, TASK_CATALOG, toRoutingConfig } from "@qmc/core";
import type { QueueConfigVersion } from "../config/config-store.ts";
import { ProducerSubmitter, type RoutePlan } from "../work-orders/producer-submit.ts";
import type { SubmitRequest, WorkOrderSubmitter } from "../work-orders/submit.ts";
import type { SubmitGroupOptions } from "../work-orders/submit-group.ts";

export interface RoutedSubmitInput {
  /** Normally generated; given when the id must be known first (idempotent resubmission). */
  id?: string;
  kind: string;
  payload: unknown;
  priority?: number;
  actor: string;
  actorUserId?: string;
  /** Set when re-submitting from the audit trail: the new order links to the original. */
  resubmittedFromId?: string;
}

export interface RoutedSubmission {
  id: string;
  system: "LEGACY" | "NEW";
  route: RouteDecision & { configVersion: number };
  /** The new system's shadow copy, when shadow mode ran one. */
  shadowId: string | null;
  enqueued: boolean;
}

/**
 * The QueueManager of the migration plan: every submission is routed by the live config —
 * master switch, percent by the published hash, shadow copy — and the route is recorded on
 * the order (bucket, config version) and in its audit event.
 */
export class QueueManager {
  private producerPath: ProducerSubmitter | undefined;

  constructor(
    private readonly config: { current(): QueueConfigVersion },
    private readonly submitter: WorkOrderSubmitter,
    private readonly groupOptions: SubmitGroupOptions = {},
  ) {}

  async submit(input: RoutedSubmitInput): Promise<RoutedSubmission> {
    const [submission] = await this.submitMany([input]);
    if (!submission) throw new Error("submitMany returned nothing for one input");
    return submission;
  }

  /** All routed with the same config version; all or nothing. */
  async submitMany(inputs: RoutedSubmitInput[]): Promise<RoutedSubmission[]> {
    const plans = this.plan(inputs);
    const submitted = await this.submitter.submitMany(plans.flatMap((p) => p.requests));
    const enqueued = new Map(submitted.map((s) => [s.id, s.enqueued]));
    return plans.map(({ submission }) => ({ ...submission, enqueued: enqueued.get(submission.id) ?? false }));
  }

  /**
   * The group-committed path (producers' REST API, the console's submit): concurrent requests
   * share one statement, one commit and one addBulk per queue; idempotency keys. Built on first use.
   */
  get producer(): ProducerSubmitter {
    this.producerPath ??= new ProducerSubmitter(
      this.submitter.prisma,
      this.submitter,
      (inputs) => this.plan(inputs),
      this.groupOptions,
    );
    return this.producerPath;
  }

  /** Routes every input by one config version; a shadowed order brings its shadow copy's request. */
  private plan(inputs: RoutedSubmitInput[]): RoutePlan[] {
    const config = this.config.current();
    const routing = toRoutingConfig(config);
    return inputs.map((input) => {
      const id = input.id ?? randomUUID();
      const route = { ...routeWorkOrder(routing, id), configVersion: config.version };
      // A kind with side effects is never shadowed: the shadow must not touch the world.
      const shadowId =
        route.shadow && isTaskKind(input.kind) && !TASK_CATALOG[input.kind].sideEffects ? randomUUID() : null;
      const common = {
        kind: input.kind,
        payload: input.payload,
        actor: input.actor,
        ...(input.priority === undefined ? {} : { priority: input.priority }),
        ...(input.actorUserId ? { actorUserId: input.actorUserId } : {}),
        route: { bucket: route.bucket, configVersion: route.configVersion, reason: route.reason },
      };
      const primary: SubmitRequest = {
        ...common,
        id,
        system: route.system,
        ...(input.resubmittedFromId ? { resubmittedFromId: input.resubmittedFromId } : {}),
      };
      const requests: SubmitRequest[] = shadowId
        ? [primary, { ...common, id: shadowId, system: "NEW", role: "SHADOW", shadowOfId: id }]
        : [primary];
      return { submission: { id, system: route.system, route, shadowId, enqueued: false }, requests };
    });
  }
}
