import { DomainError } from "@qmc/core";
import { describe, expect, it } from "vitest";
import { classifyFault, infrastructureFault } from "./infra-errors.ts";

/** Shapes as the drivers produce them (seen from Prisma 7 + adapter-pg, node-postgres, ioredis, BullMQ). */
function prismaError(code: string, adapterCause?: Record<string, unknown>) {
  const error = Object.assign(new Error("\nInvalid `prisma.apiToken.findUnique()` invocation …"), {
    code,
    meta: adapterCause ? { driverAdapterError: Object.assign(new Error("x"), { cause: adapterCause }) } : {},
  });
  error.name = "PrismaClientKnownRequestError";
  return error;
}
const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code}`), { code, syscall: "connect" });

describe("classifyFault", () => {
  it.each([
    ["Prisma P1001 (cannot reach)", prismaError("P1001")],
    ["Prisma P2024 (pool timeout)", prismaError("P2024")],
    [
      "57P01 admin shutdown inside a Prisma error",
      prismaError("P2039", { kind: "postgres", originalCode: "57P01" }),
    ],
    ["57P03 cannot connect now", prismaError("P2039", { kind: "postgres", originalCode: "57P03" })],
    ["08006 connection failure", prismaError("P2010", { kind: "postgres", originalCode: "08006" })],
    ["adapter ConnectionClosed", prismaError("P2039", { kind: "ConnectionClosed" })],
    ["node-postgres cut mid-query", new Error("Connection terminated unexpectedly")],
    [
      "node-postgres DatabaseError 57P01",
      Object.assign(new Error("terminating"), { code: "57P01", severity: "FATAL" }),
    ],
  ])("%s → postgres unavailable", (_, error) => {
    expect(classifyFault(error)).toEqual({ kind: "unavailable", service: "postgres" });
  });

  it.each([
    ["ioredis closed", new Error("Connection is closed.")],
    [
      "ioredis offline queue off",
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    [
      "ioredis retries used up",
      Object.assign(new Error("Reached the max retries per request limit"), {
        name: "MaxRetriesPerRequestError",
      }),
    ],
    ["a refused connect", socketError("ECONNREFUSED")],
    ["wrapped in a cause", new Error("submit failed", { cause: socketError("ECONNRESET") })],
  ])("%s → redis unavailable", (_, error) => {
    expect(classifyFault(error)).toEqual({ kind: "unavailable", service: "redis" });
  });

  it.each([
    ["22021 NUL byte", prismaError("P2039", { kind: "postgres", originalCode: "22021" })],
    [
      "22P05 untranslatable character (jsonb \\u0000)",
      prismaError("P2010", { kind: "postgres", originalCode: "22P05" }),
    ],
    ["22003 / P2020 out of range", prismaError("P2020", { kind: "ValueOutOfRange", originalCode: "22003" })],
    ["22008 datetime out of range", prismaError("P2039", { kind: "postgres", originalCode: "22008" })],
    ["54000 index row too large", prismaError("P2039", { kind: "postgres", originalCode: "54000" })],
  ])("%s → unstorable input", (_, error) => {
    expect(classifyFault(error)).toEqual({ kind: "unstorable" });
  });

  it.each([
    [
      "a unique violation",
      prismaError("P2002", { kind: "UniqueConstraintViolation", originalCode: "23505" }),
    ],
    ["a check violation", prismaError("P2039", { kind: "postgres", originalCode: "23514" })],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["a domain error", new DomainError("BACKPRESSURE", "full")],
    ["not an error", "boom"],
  ])("%s → not a fault (stays what it is)", (_, error) => {
    expect(classifyFault(error)).toBeNull();
  });
});

describe("infrastructureFault", () => {
  it("gives people a sentence and clients the service and the wait; the driver error stays as cause", () => {
    const driver = prismaError("P1001");
    const fault = infrastructureFault(driver);
    expect(fault).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      details: { service: "postgres", retryAfterSeconds: 5 },
    });
    expect(fault?.message).toBe(
      "The database is not answering; the request was not carried out. Retry in a few seconds.",
    );
    expect((fault as Error).cause).toBe(driver);
    expect(infrastructureFault(prismaError("P2039", { kind: "postgres", originalCode: "22021" }))?.code).toBe(
      "INVALID_INPUT",
    );
  });
});
