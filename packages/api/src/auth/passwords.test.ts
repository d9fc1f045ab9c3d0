import { parseOptions } from "@node-rs/argon2";
import { DomainError } from "@qmc/core";
import { describe, expect, it } from "vitest";
import {
  assertStrongPassword,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  normalizeEmail,
  PASSWORD_HASH_OPTIONS,
  verifyPassword,
} from "./passwords.ts";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : "not a DomainError";
  }
  return undefined;
}

describe("password hashing", () => {
  it("verifies the password it hashed and refuses another", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
    expect(await verifyPassword(stored, "correct horse battery!")).toBe(false);
  });

  it("salts each hash", async () => {
    expect(await hashPassword("same password here")).not.toBe(await hashPassword("same password here"));
  });

  it("treats a malformed hash as no match", async () => {
    expect(await verifyPassword("not-a-hash", "whatever password")).toBe(false);
  });

  it("keeps the dummy hash on the same cost parameters as real hashes", async () => {
    const dummy = parseOptions(DUMMY_PASSWORD_HASH);
    const real = parseOptions(await hashPassword("some real password"));
    expect(dummy).toEqual(real);
    expect(dummy).toMatchObject(PASSWORD_HASH_OPTIONS);
  });
});

describe("assertStrongPassword", () => {
  it("accepts 12 to 200 characters that are hard to guess", () => {
    expect(codeOf(() => assertStrongPassword("tR7#vq9!Lm2x"))).toBeUndefined();
    expect(codeOf(() => assertStrongPassword("a long enough password"))).toBeUndefined();
    // 100 emoji are 200 UTF-16 units but 100 characters: counted as people count them.
    expect(codeOf(() => assertStrongPassword("🔑🦊🌋🧭🎻".repeat(40)))).toBeUndefined();
  });

  it("refuses short and overlong passwords, saying the limit", () => {
    expect(codeOf(() => assertStrongPassword("a".repeat(11)))).toBe("WEAK_PASSWORD");
    expect(() => assertStrongPassword("short")).toThrow(/at least 12 characters/);
    expect(codeOf(() => assertStrongPassword("a".repeat(201)))).toBe("WEAK_PASSWORD");
    expect(() => assertStrongPassword("a".repeat(201))).toThrow(/at most 200 characters/);
  });

  it("refuses a guessable password with the reason and zxcvbn's advice in its details", () => {
    try {
      assertStrongPassword("password1234");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const error = e as DomainError;
      expect(error.code).toBe("WEAK_PASSWORD");
      expect(error.message).toMatch(/^The password is too easy to guess\. .+\.$/);
      expect(error.details).toMatchObject({ reason: "too_guessable", minScore: 3 });
    }
  });

  it("counts the account's email and name as known words", () => {
    expect(codeOf(() => assertStrongPassword("marguerite.yourcenar"))).toBeUndefined();
    expect(
      codeOf(() =>
        assertStrongPassword("marguerite.yourcenar", ["marguerite.yourcenar@example.com", "Marguerite"]),
      ),
    ).toBe("WEAK_PASSWORD");
  });
});

describe("normalizeEmail", () => {
  it("trims and lowercases", () => {
    expect(normalizeEmail("  Ada.Lovelace@Example.COM ")).toBe("ada.lovelace@example.com");
  });

  it("accepts dotless hosts like admin@localhost", () => {
    expect(normalizeEmail("admin@localhost")).toBe("admin@localhost");
  });

  it.each([
    "",
    "plain",
    "two@@example.com",
    "a b@example.com",
    "@example.com",
    "x@",
    `${"a".repeat(250)}@x.io`,
  ])("refuses %j with INVALID_EMAIL", (raw) => {
    expect(codeOf(() => normalizeEmail(raw))).toBe("INVALID_EMAIL");
  });

  it("tells the person what shape is expected", () => {
    expect(() => normalizeEmail("nope")).toThrow(/name@example\.com/);
  });
});
