export { EnvValidationError, throwEnvValidationError } from "./env-error.ts";
export { createLogger, type Logger } from "./logger.ts";
export { commaList, serviceEnvSchema } from "./service-env.ts";
export { type ShutdownHook, ShutdownManager } from "./shutdown-manager.ts";
