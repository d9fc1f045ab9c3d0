import { evaluateThresholds, thresholdWindows } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { guardConcurrencyChannel, type Redis } from "@qmc/transport";
import type { LiveConfig } from "../config/live-config.ts";
import type { SystemQueues } from "../queues/system-queues.ts";
import { decisionInputs, type GuardEvaluation } from "./decision-inputs.ts";
import { lockDecisions, openDecision, resolveDecision, UNRESOLVED } from "./gate-decisions.ts";
import { guardActor, guardKeys } from "./guard-keys.ts";
import { type GuardIntent, planGuardActions, type UnresolvedDecision } from "./guard-plan.ts";
import { type PublishedEvaluation, writeLastEvaluation } from "./last-evaluation.ts";
import { LegacyBaselineReader } from "./legacy-baseline.ts";
import { sampleQueueDepths } from "./queue-depth-sampler.ts";
import { plainSetting, readThresholdSettings } from "./threshold-store.ts";
import { readWindow, valuesOf } from "./window-reader.ts";
import { readLiveWorkers } from "./worker-readings.ts";

export interface GuardEvaluatorDeps {
  prisma: PrismaClient;
  /** A producer connection: publishes commands and keeps the guard's keys. */
  redis: Redis;
  queues: Pick<SystemQueues, "legacy" | "newSystem">;
  liveConfig: Pick<LiveConfig, "change">;
  prefix: string;
  workerId: string;
  intervalMs: number;
  workerStaleAfterMs: number;
  logger: Logger;
  /** Checked before every write: an evaluator that lost the lease stops acting at once. */
  stillLeader: () => Promise<boolean>;
}

/** What one evaluation saw and did. */
export interface GuardTickReport {
  at: Date;
  evaluations: GuardEvaluation[];
  intents: GuardIntent[];
  /** False when the lease was lost midway and the remaining intents were dropped. */
  completed: boolean;
}

/** A pause's decision was already there (another evaluator won): roll the config version back. */
class AlreadyDecided extends Error {}

/**
 * One pass of the health guard, run by the lease holder: sample the queue depths, evaluate every
 * enabled rule over its window (core `evaluateThresholds`), apply the resulting actions once per
 * transition, and publish the evaluation for the read API.
 */
export class GuardEvaluator {
  private readonly legacyBaseline: LegacyBaselineReader;

  constructor(private readonly deps: GuardEvaluatorDeps) {
    this.legacyBaseline = new LegacyBaselineReader(deps.prisma);
  }

  async evaluateOnce(now = new Date()): Promise<GuardTickReport> {
    const { prisma } = this.deps;
    const settings = (await readThresholdSettings(prisma)).map(plainSetting);
    await sampleQueueDepths(prisma, this.deps.queues, now);
    const [workers, unresolved, belowSince] = await Promise.all([
      readLiveWorkers(prisma, this.deps.workerStaleAfterMs, now),
      this.unresolved(),
      this.belowSince(),
    ]);
    const reducing = new Set(
      unresolved.filter((d) => d.action === "REDUCE_CONCURRENCY").map((d) => d.subject),
    );
    const enabled = settings.filter((s) => s.enabled);
    const evaluations: GuardEvaluation[] = [];
    for (const windowSeconds of thresholdWindows(enabled)) {
      const rules = enabled.filter((s) => s.windowSeconds === windowSeconds);
      const p99 = rules.find((s) => s.metric === "P99_LATENCY_RATIO");
      const baseline = p99 ? { reader: this.legacyBaseline, minSample: p99.minSample } : undefined;
      const reading = await readWindow(prisma, windowSeconds, now, workers, reducing, baseline);
      for (const e of evaluateThresholds(rules, reading.stats)) {
        const setting = rules.find((s) => s.metric === e.metric);
        if (!setting) continue;
        evaluations.push({
          ...e,
          window: { from: reading.from.toISOString(), to: reading.to.toISOString() },
          values: valuesOf(e, reading),
          setting,
        });
      }
    }
    const intents = planGuardActions({
      evaluations,
      settings,
      unresolved,
      workers,
      belowSince,
      now: now.getTime(),
    });
    const completed = await this.apply(intents, now);
    if (completed) await this.publish(evaluations, now);
    return { at: now, evaluations, intents, completed };
  }

  private async unresolved(): Promise<UnresolvedDecision[]> {
    return this.deps.prisma.gateDecision.findMany({
      where: { status: { in: [...UNRESOLVED] } },
      select: { id: true, metric: true, subject: true, action: true, status: true, acknowledgedAt: true },
      orderBy: { at: "asc" },
    });
  }

  private async belowSince(): Promise<Map<string, number>> {
    const raw = await this.deps.redis.hgetall(guardKeys(this.deps.prefix).memoryBelowSince);
    return new Map(Object.entries(raw).map(([workerId, ms]) => [workerId, Number(ms)]));
  }

  private async apply(intents: GuardIntent[], now: Date): Promise<boolean> {
    for (const intent of intents) {
      if (!(await this.deps.stillLeader())) {
        this.deps.logger.warn(
          { intent: intent.kind },
          "guard lost its lease; dropping the rest of this pass",
        );
        return false;
      }
      await this.applyOne(intent, now);
    }
    return true;
  }

  private async applyOne(intent: GuardIntent, now: Date): Promise<void> {
    const { prisma, redis, prefix, workerId, logger } = this.deps;
    const actor = guardActor(workerId);
    const holdKey = guardKeys(prefix).memoryBelowSince;
    switch (intent.kind) {
      case "open": {
        const e = intent.evaluation;
        const decision = {
          metric: e.metric,
          subject: e.subject,
          action: intent.action,
          inputs: decisionInputs(e, intent.action, workerId, now),
          actor,
        };
        if (intent.action === "PAUSE_ROLLOUT") await this.pause(decision);
        else {
          await prisma.$transaction(async (tx) => {
            await lockDecisions(tx);
            await openDecision(tx, decision);
          });
        }
        logger.warn(
          { metric: e.metric, subject: e.subject, action: intent.action, value: e.value },
          `guard: ${e.explanation}`,
        );
        return;
      }
      case "resolve":
        await prisma.$transaction(async (tx) => {
          await lockDecisions(tx);
          await resolveDecision(tx, intent.decisionId, intent.resolution, actor);
        });
        logger.info({ decisionId: intent.decisionId }, `guard: ${intent.resolution}`);
        return;
      case "reduce":
      case "restore":
        await guardConcurrencyChannel(prefix).publish(
          redis,
          intent.kind === "reduce"
            ? { workerId: intent.workerId, command: "reduce", limit: intent.limit }
            : { workerId: intent.workerId, command: "restore" },
        );
        return;
      case "hold-start":
        await redis.hset(holdKey, intent.workerId, String(now.getTime()));
        return;
      case "hold-clear":
        await redis.hdel(holdKey, intent.workerId);
        return;
    }
  }

  /**
   * A pause is a new live config version (paused, with the explanation as its reason: versioned,
   * audited, pushed to every process) and its decision, committed together or not at all.
   */
  private async pause(decision: Parameters<typeof openDecision>[1]): Promise<void> {
    const reason = decision.inputs.explanation.slice(0, 500);
    try {
      await this.deps.liveConfig.change(
        { paused: true, pausedReason: reason },
        {
          actor: decision.actor,
          reason,
          action: "config.pause",
          inTransaction: async (tx) => {
            await lockDecisions(tx);
            if (!(await openDecision(tx, decision))) throw new AlreadyDecided();
          },
        },
      );
    } catch (error) {
      if (!(error instanceof AlreadyDecided)) throw error;
    }
  }

  private async publish(evaluations: GuardEvaluation[], now: Date): Promise<void> {
    const unresolved = await this.unresolved();
    const decisionOf = new Map(unresolved.map((d) => [`${d.metric}|${d.subject}`, d]));
    const published: PublishedEvaluation[] = evaluations.map((e) => {
      const d = decisionOf.get(`${e.metric}|${e.subject}`);
      return {
        ...e,
        decisionId: d?.id ?? null,
        decisionStatus: d && d.status !== "RESOLVED" ? d.status : null,
      };
    });
    await writeLastEvaluation(this.deps.redis, this.deps.prefix, {
      at: now.toISOString(),
      workerId: this.deps.workerId,
      intervalMs: this.deps.intervalMs,
      evaluations: published,
    });
  }
}
