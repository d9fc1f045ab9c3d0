import { describe, expect, it } from "vitest";
import { checkPasswordStrength, personalWords } from "./password-policy.ts";

describe("checkPasswordStrength", () => {
  it.each([
    ["12 spaces", " ".repeat(12), "only_whitespace"],
    ["tabs and spaces", "\t \t \t \t \t \t ", "only_whitespace"],
    ["a common password with digits", "password1234", "too_guessable"],
    ["one repeated letter", "a".repeat(12), "too_guessable"],
    ["a keyboard walk", "qwertyuiop12", "too_guessable"],
    ["a date-like sequence", "123456789012", "too_guessable"],
    ["11 characters", "Xy7!qp2#Lm9", "too_short"],
    ["201 characters", "x".repeat(201), "too_long"],
  ])("refuses %s", (_name, password, reason) => {
    const verdict = checkPasswordStrength(password);
    expect(verdict).toMatchObject({ ok: false, reason });
    if (!verdict.ok) expect(verdict.message).toMatch(/^The password is .+\.$/);
  });

  it("says why and what to do, in sentences", () => {
    const verdict = checkPasswordStrength("password1234");
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.message).toContain("commonly used password");
    expect(verdict.message).toMatch(/Add more words|Avoid|Use/);
    expect(verdict.score).toBeLessThan(3);
  });

  it.each([
    "a long enough password",
    "correct horse battery staple",
    "e2e admin password 1234",
    "tR7#vq9!Lm2x",
    "  leading and trailing spaces count  ",
  ])("accepts %j", (password) => {
    expect(checkPasswordStrength(password)).toMatchObject({ ok: true });
  });

  it("refuses a password made of the account's own email or name", () => {
    const inputs = ["rosalind.franklin@example.com", "Rosalind Franklin"];
    expect(checkPasswordStrength("rosalind.franklin@example.com", inputs)).toMatchObject({
      ok: false,
      reason: "too_guessable",
    });
    expect(checkPasswordStrength("RosalindFranklin1", inputs)).toMatchObject({ ok: false });
    // The same words are fine for someone else.
    expect(checkPasswordStrength("RosalindFranklin1")).toMatchObject({ ok: true });
  });

  it("stays fast on the longest accepted password", () => {
    const started = performance.now();
    checkPasswordStrength("ab1!".repeat(50));
    checkPasswordStrength("🔑".repeat(200));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("personalWords", () => {
  it("splits emails and names into the words a guesser would try", () => {
    expect(personalWords(["Grace.Hopper+ops@Navy.mil", "Grace Hopper", null])).toEqual(
      expect.arrayContaining([
        "grace.hopper+ops@navy.mil",
        "grace.hopper+ops",
        "grace",
        "hopper",
        "ops",
        "navy",
      ]),
    );
  });
});
