export type { Redis } from "ioredis";
export { type CancelRequestMessage, cancelRequestChannel } from "./cancel-bus.ts";
export { type ConfigChangeMessage, configChangeChannel } from "./config-bus.ts";
export { type GuardConcurrencyMessage, guardConcurrencyChannel } from "./guard-bus.ts";
export { type PubSubChannel, pubSubChannel } from "./pubsub-channel.ts";
export { DEFAULT_QUEUE_PREFIX, QUEUE_NAMES } from "./queue-names.ts";
export {
  checkRedis,
  connectRedis,
  createRedisConnection,
  DEFAULT_REDIS_URL,
  type RedisRole,
  RedisUnavailableError,
  redisConnectionOptions,
} from "./redis-connection.ts";
