import { describe, expect, it } from "vitest";
import { DOMAIN_ERROR_CODES, DomainError, isDomainError } from "./errors.ts";

describe("DomainError", () => {
  it("carries code, details, message and name", () => {
    const e = new DomainError("INVALID_THRESHOLD", "limit must be ≥ 0", { limit: -1 });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe("INVALID_THRESHOLD");
    expect(e.details).toEqual({ limit: -1 });
    expect(e.message).toBe("limit must be ≥ 0");
    expect(e.name).toBe("DomainError");
  });

  it("defaults details to an empty object", () => {
    expect(new DomainError("INVALID_TRANSITION", "x").details).toEqual({});
  });

  it("starts the code list with the codes other packages rely on", () => {
    expect(DOMAIN_ERROR_CODES.slice(0, 5)).toEqual([
      "INVALID_TRANSITION",
      "UNKNOWN_LEGACY_STATUS",
      "INVALID_ROLLOUT_PERCENT",
      "INVALID_RETRY_POLICY",
      "INVALID_THRESHOLD",
    ]);
  });
});

describe("isDomainError", () => {
  it("accepts a DomainError", () => {
    expect(isDomainError(new DomainError("INVALID_ATTEMPT", "x"))).toBe(true);
  });

  it("accepts a structurally identical error from a second copy of the module", () => {
    const foreign = Object.assign(new Error("x"), {
      name: "DomainError",
      code: "INVALID_TRANSITION",
      details: {},
    });
    expect(isDomainError(foreign)).toBe(true);
  });

  it.each([
    ["a plain Error", new Error("x")],
    [
      "an error with an unknown code",
      Object.assign(new Error("x"), { name: "DomainError", code: "NOPE", details: {} }),
    ],
    [
      "an error without details",
      Object.assign(new Error("x"), { name: "DomainError", code: "INVALID_TRANSITION" }),
    ],
    ["a plain object", { name: "DomainError", code: "INVALID_TRANSITION", details: {} }],
    ["null", null],
    ["a string", "DomainError"],
  ])("rejects %s", (_label, value) => {
    expect(isDomainError(value)).toBe(false);
  });
});
