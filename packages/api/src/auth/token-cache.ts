import type { PrismaClient } from "@qmc/db";
import { lookupApiToken } from "./api-tokens.ts";
import type { AuthUser } from "./auth-user.ts";
import { sha256Hex } from "./secrets.ts";
import { onTokenAccessChange } from "./token-access-changes.ts";

export interface TokenCacheOptions {
  /** How long a valid token's lookup is reused. @defaultValue 5000 */
  ttlMs?: number;
  /** Tokens remembered at most (the oldest is forgotten first). @defaultValue 10000 */
  maxEntries?: number;
}

interface Entry {
  lookup: Promise<AuthUser | null>;
  until: number;
}

/**
 * A valid API token's lookup (user, role, scopes), reused for a few seconds: a producer sending a
 * thousand requests a second costs the database one token lookup per token every `ttlMs`, not
 * one per request. Keyed by the token's sha256 (the same digest the database holds).
 *
 * Only valid tokens are kept, never past their expiry. Every announced access change (a revoke,
 * a disabled user, a role change, a password reset: token-access-changes.ts) empties the cache at
 * once, and a lookup that was running meanwhile is not kept, so a revoked token fails on the very
 * next request in this process, and within `ttlMs` at most anywhere.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped on every access change: a lookup started before one is not cached. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: TokenCacheOptions = {},
  ) {
    this.unsubscribe = onTokenAccessChange(() => this.clear());
  }

  /** The user behind `token` (see resolveApiToken), or null. */
  resolve(token: string): Promise<AuthUser | null> {
    const key = sha256Hex(token);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.lookup;
    const generation = this.generation;
    const entry: Entry = { lookup: this.lookup(key, token, generation, now), until: now + this.ttlMs };
    // Concurrent requests with the same token share one lookup.
    this.entries.set(key, entry);
    this.evictOldest();
    return entry.lookup;
  }

  /** Forgets every token (on an access change; also when the cache is closed). */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Stops listening for access changes. */
  close(): void {
    this.unsubscribe();
    this.clear();
  }

  private get ttlMs(): number {
    return this.options.ttlMs ?? 5_000;
  }

  private async lookup(key: string, token: string, generation: number, startedAt: number) {
    let found: Awaited<ReturnType<typeof lookupApiToken>>;
    try {
      found = await lookupApiToken(this.prisma, token);
    } catch (error) {
      this.forget(key, generation);
      throw error;
    }
    const entry = this.entries.get(key);
    if (!found || generation !== this.generation) {
      this.forget(key, generation);
    } else if (entry && found.expiresAt) {
      entry.until = Math.min(startedAt + this.ttlMs, found.expiresAt.getTime());
    }
    return found?.user ?? null;
  }

  /** Drops the entry of `key` if it is still the one made in `generation`. */
  private forget(key: string, generation: number): void {
    if (generation === this.generation) this.entries.delete(key);
  }

  private evictOldest(): void {
    const max = this.options.maxEntries ?? 10_000;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) return;
      this.entries.delete(oldest);
    }
  }
}
