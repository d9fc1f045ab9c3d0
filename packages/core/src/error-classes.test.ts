import { describe, expect, it } from "vitest";
import { ERROR_CLASSES, type ErrorClass, isErrorClass, isRetryableErrorClass } from "./error-classes.ts";

// Written out by hand: a change here is a change of retry behaviour and must be deliberate.
const RETRYABLE: Array<[ErrorClass, boolean]> = [
  ["TIMEOUT", true],
  ["EXIT_NONZERO", true],
  ["EXIT_FATAL", false],
  ["CRASH", true],
  ["STALLED", true],
  ["OUTPUT_LIMIT", false],
  ["INVALID_PAYLOAD", false],
  ["NOT_ALLOWED", false],
  ["SPAWN_FAILED", false],
  ["INTERRUPTED", true],
  ["INTERNAL", true],
];

describe("error classes", () => {
  it("the table covers every class", () => {
    expect(RETRYABLE.map(([c]) => c)).toEqual([...ERROR_CLASSES]);
  });

  it.each(RETRYABLE)("%s retryable: %s", (errorClass, retryable) => {
    expect(isRetryableErrorClass(errorClass)).toBe(retryable);
  });

  it("recognises class names exactly", () => {
    expect(ERROR_CLASSES.every(isErrorClass)).toBe(true);
    expect(isErrorClass("timeout")).toBe(false);
    expect(isErrorClass("OOM")).toBe(false);
  });
});
