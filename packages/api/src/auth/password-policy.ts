import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

/** Shortest password accepted for an account. */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted; bounds the work one request can cause (argon2 and zxcvbn). */
export const MAX_PASSWORD_LENGTH = 200;
/**
 * Lowest zxcvbn score accepted (0–4). 3 means about 10^8 guesses or more: "safely unguessable",
 * enough against online guessing and slow argon2-hashed offline guessing.
 */
export const MIN_PASSWORD_SCORE = 3;
/**
 * zxcvbn judges this many leading characters: its cost grows with length (~0.6 s at 200), and a
 * passphrase whose first 64 characters are not hard to guess is not worth its length.
 */
export const SCORED_PREFIX_LENGTH = 64;

/** Why a password was refused, with a sentence written for the person choosing it. */
export type PasswordVerdict =
  | { ok: true; score: number }
  | {
      ok: false;
      reason: "too_short" | "too_long" | "only_whitespace" | "too_guessable";
      /** What is wrong and what to do instead, in whole sentences. */
      message: string;
      /** zxcvbn's score (0–4) when it was computed. */
      score: number | null;
    };

// The dictionaries take ~100 ms to load: built on first use, once per process.
let factory: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    translations: english.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary },
    maxLength: SCORED_PREFIX_LENGTH,
  });
  return factory;
}

/** Length in characters as people count them, so an emoji is one character and not two. */
export function characterCount(text: string): number {
  return [...text].length;
}

/**
 * The words of the account's own data that a password must not lean on: the email, its local
 * part, the name, each with and without separators, and their pieces (under 3 characters say
 * nothing).
 */
export function personalWords(inputs: ReadonlyArray<string | null | undefined>): string[] {
  const words = new Set<string>();
  for (const input of inputs) {
    const value = input?.trim().toLowerCase();
    if (!value) continue;
    words.add(value);
    const local = value.split("@")[0] ?? "";
    words.add(local);
    words.add(local.replace(/[^\p{L}\p{N}]+/gu, ""));
    for (const piece of value.split(/[\s@._+-]+/)) if (piece.length >= 3) words.add(piece);
  }
  return [...words].filter((w) => w.length >= 3);
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Judges a candidate password: 12 to 200 characters, not only whitespace, and a zxcvbn score of
 * at least 3 with the account's email and name (`userInputs`) counted as known words. Pure.
 */
export function checkPasswordStrength(
  plain: string,
  userInputs: ReadonlyArray<string | null | undefined> = [],
): PasswordVerdict {
  const length = characterCount(plain);
  if (length < MIN_PASSWORD_LENGTH) {
    return {
      ok: false,
      reason: "too_short",
      score: null,
      message: `The password is too short: choose one of at least ${MIN_PASSWORD_LENGTH} characters (a few unrelated words work well).`,
    };
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return {
      ok: false,
      reason: "too_long",
      score: null,
      message: `The password is too long: choose one of at most ${MAX_PASSWORD_LENGTH} characters.`,
    };
  }
  if (plain.trim().length === 0) {
    return {
      ok: false,
      reason: "only_whitespace",
      score: null,
      message:
        "The password is only spaces: choose one with letters, digits or symbols (a few unrelated words work well).",
    };
  }
  const result = zxcvbn().check(plain, personalWords(userInputs));
  if (result.score >= MIN_PASSWORD_SCORE) return { ok: true, score: result.score };

  const why = result.feedback.warning
    ? sentence(result.feedback.warning)
    : "It follows a pattern that guessing tools try early.";
  const advice = result.feedback.suggestions.length
    ? result.feedback.suggestions.map(sentence).join(" ")
    : "Add a few more unrelated words.";
  return {
    ok: false,
    reason: "too_guessable",
    score: result.score,
    message: `The password is too easy to guess. ${why} ${advice}`,
  };
}
