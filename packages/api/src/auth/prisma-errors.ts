import { Prisma } from "@qmc/db";

/** True when `e` is Postgres refusing a row because a unique index already holds its value. */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";
}
