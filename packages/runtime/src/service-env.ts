import { z } from "zod";

/**
 * The variables every process of a deployment shares (database, Redis, key prefix), validated
 * the same way in each app's env schema. Defaults come from the packages that own them.
 */
export function serviceEnvSchema(defaults: { databaseUrl: string; redisUrl: string; queuePrefix: string }) {
  return {
    DATABASE_URL: z.url().default(defaults.databaseUrl),
    REDIS_URL: z.url().default(defaults.redisUrl),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ or -, at most 64")
      .default(defaults.queuePrefix),
  };
}

/** A comma-separated variable ("a, b,c") as a checked list: each item must pass `item`. */
export function commaList<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .transform((raw) =>
      raw
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
}
