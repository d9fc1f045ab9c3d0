export {
  COMMAND_NAME_PATTERN,
  type CommandAllowlistEntry,
  CommandAllowlistEntrySchema,
  CommandSearchPathSchema,
  DEFAULT_COMMAND_PATH,
  isCleanAbsolutePath,
  type ParsedAllowlistEntry,
  parseCommandAllowlistEntry,
  parseSearchPath,
  refineUniqueNames,
} from "./command-allowlist.ts";
export { CommandEnvNameSchema, isForbiddenCommandEnv } from "./command-env.ts";
export {
  assertCommandAllowed,
  type CommandPayload,
  CommandPayloadSchema,
  type CommandPolicy,
  type CommandRunPolicy,
  commandEnvironment,
  commandRunPolicy,
  executableFor,
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
