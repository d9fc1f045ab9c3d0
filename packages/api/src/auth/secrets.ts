import { createHash, randomBytes } from "node:crypto";

/** `bytes` random bytes from the OS CSPRNG, base64url-encoded (cookie- and header-safe, no padding). */
export function randomSecret(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * sha256 hex of a bearer secret. Tokens carry 256 random bits, so a fast unsalted hash is enough
 * to make a stolen table useless, and it keeps the lookup an indexed equality match.
 */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
