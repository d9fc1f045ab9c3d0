export { EnvValidationError, throwEnvValidationError } from "./env-error.ts";
export { createLogger, type Logger, type LoggerOptions, REDACTED, serializeError } from "./logger.ts";
export { commaList, serviceEnvSchema } from "./service-env.ts";
export { type ShutdownHook, ShutdownManager } from "./shutdown-manager.ts";
