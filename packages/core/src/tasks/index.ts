export {
  assertCommandAllowed,
  type CommandPayload,
  CommandPayloadSchema,
  type CommandPolicy,
  commandEnvironment,
} from "./command-task.ts";
export {
  MAX_PAYLOAD_BYTES,
  PRIORITY_RANGE,
  type SubmissionInput,
  type ValidatedSubmission,
  validateSubmission,
} from "./submission.ts";
export {
  planSyntheticAttempt,
  SYNTHETIC_EXIT_CODES,
  type SyntheticPayload,
  SyntheticPayloadSchema,
  type SyntheticPlan,
} from "./synthetic-task.ts";
export {
  isTaskKind,
  TASK_CATALOG,
  TASK_KINDS,
  type TaskKind,
  type TaskKindDefinition,
  type TaskPayload,
} from "./task-catalog.ts";
