export { type Acknowledger, acknowledgeDecision, resumeRollout } from "./acknowledge.ts";
export type { DecisionInputs, GuardEvaluation } from "./decision-inputs.ts";
export { type DecisionFilter, findGateDecisions, readGateDecision } from "./decision-reads.ts";
export { UNRESOLVED } from "./gate-decisions.ts";
export { GuardEvaluator, type GuardTickReport } from "./guard-evaluator.ts";
export { guardKeys } from "./guard-keys.ts";
export { leaseHolder } from "./guard-lease.ts";
export { type GuardIntent, planGuardActions, reducedLimit } from "./guard-plan.ts";
export { type GuardOptions, GuardRunner } from "./guard-runner.ts";
export { type LastEvaluation, type PublishedEvaluation, readLastEvaluation } from "./last-evaluation.ts";
export { sampleQueueDepths } from "./queue-depth-sampler.ts";
export {
  readThresholdSettings,
  type StoredThresholdSetting,
  type ThresholdChange,
  updateThresholdSetting,
} from "./threshold-store.ts";
