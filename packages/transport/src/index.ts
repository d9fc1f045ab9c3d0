export type { Redis } from "ioredis";
export {
  type ConfigChangeMessage,
  configChannel,
  publishConfigChange,
  subscribeConfigChanges,
} from "./config-bus.ts";
export { DEFAULT_QUEUE_PREFIX, QUEUE_NAMES } from "./queue-names.ts";
export {
  checkRedis,
  connectRedis,
  createRedisConnection,
  DEFAULT_REDIS_URL,
  type RedisRole,
  RedisUnavailableError,
} from "./redis-connection.ts";
