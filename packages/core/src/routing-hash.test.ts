import { readFileSync } from "node:fs";
import fc from "fast-check";
import murmurhash from "murmurhash";
import { describe, expect, it } from "vitest";
import { ROUTING_BUCKET_COUNT, routingBucket } from "./routing.ts";

/**
 * Independent murmur3_x86_32 (Math.imul, byte arrays) used to cross-check the library: if the
 * dependency changed its output, every order would silently change route.
 */
function referenceMurmur3(bytes: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  let h = seed | 0;
  const blocks = bytes.length >> 2;
  for (let b = 0; b < blocks; b++) {
    const i = b * 4;
    let k =
      (bytes[i] ?? 0) |
      ((bytes[i + 1] ?? 0) << 8) |
      ((bytes[i + 2] ?? 0) << 16) |
      ((bytes[i + 3] ?? 0) << 24);
    k = Math.imul(rotl(Math.imul(k, c1), 15), c2);
    h = (Math.imul(rotl(h ^ k, 13), 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let j = bytes.length - 1; j >= blocks * 4; j--) k = (k << 8) | (bytes[j] ?? 0);
  if (bytes.length % 4 !== 0) h ^= Math.imul(rotl(Math.imul(k, c1), 15), c2);
  h ^= bytes.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

// Published murmur3_x86_32 vectors (SMHasher-derived; "hello" is the check value of DESIGN §4).
const RAW_VECTORS: Array<[string, number, number]> = [
  ["hello", 0, 613153351],
  ["", 0, 0],
  ["The quick brown fox jumps over the lazy dog", 0, 776992547],
  ["", 1, 0x514e28b7],
  ["", 0xffffffff, 0x81f16f39],
  ["\0\0\0\0", 0, 0x2362f9de],
  ["aaaa", 0x9747b28c, 0x5a97808a],
  ["aaa", 0x9747b28c, 0x283e0130],
  ["aa", 0x9747b28c, 0x5d211726],
  ["a", 0x9747b28c, 0x7fa09ea6],
  ["abcd", 0x9747b28c, 0xf0478627],
  ["Hello, world!", 0x9747b28c, 0x24884cba],
  ["\u03c0".repeat(8), 0x9747b28c, 0xd58063c1],
  ["The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd],
];

/** (salt, id) → (murmur3 of "salt:id", bucket). Same table as docs/routing-hash.md. */
const ROUTING_VECTORS: Array<[string, string, number, number]> = [
  ["", "", 723937430, 7430],
  ["salt", "1", 2950642640, 2640],
  ["qmc", "wo_0001", 221160498, 498],
  ["qmc", "wo_0002", 824781071, 1071],
  ["qmc", "wo_0003", 3743479743, 9743],
  ["qmc-2024", "wo_0001", 1506690915, 915],
  ["rollout-v1", "0b8a4f2e-3c1d-4e5f-9a6b-7c8d9e0f1a2b", 1160892361, 2361],
  ["rollout-v1", "cm3x9k2p40000qz8h7f6d5s4a", 2565480687, 687],
  ["rollout-v1", "12345", 1726049501, 9501],
  ["rollout-v2", "12345", 623494488, 4488],
  ["rollout-v1", "\u5de5\u5355-42", 3833703204, 3204], // 工单-42 (CJK: 3 UTF-8 bytes per char)
  ["rollout-v1", "caf\u00e9", 446584510, 4510], // café, precomposed é (NFC)
  ["rollout-v1", "\u{1f680}-launch", 591731501, 1501], // 🚀 (4 UTF-8 bytes)
  ["s\u00e4lz", "order", 2374234095, 4095], // non-ASCII salt
];

describe("murmur3_x86_32 (murmurhash.v3)", () => {
  it.each(RAW_VECTORS)("%j with seed %i → %i", (input, seed, expected) => {
    expect(murmurhash.v3(input, seed)).toBe(expected);
    expect(referenceMurmur3(utf8(input), seed)).toBe(expected);
  });

  it("agrees with the independent reference on arbitrary Unicode input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        expect(murmurhash.v3(s, 0)).toBe(referenceMurmur3(utf8(s), 0));
      }),
      { seed: 20240601, numRuns: 2000 },
    );
  });
});

describe("routingBucket", () => {
  it("has at least 10 (salt, id) vectors including non-ASCII ids and salts", () => {
    expect(ROUTING_VECTORS.length).toBeGreaterThanOrEqual(10);
    expect(ROUTING_VECTORS.some(([, id]) => utf8(id).length > id.length)).toBe(true);
  });

  it.each(ROUTING_VECTORS)("salt %j, id %j → hash %i, bucket %i", (salt, id, hash, bucket) => {
    expect(referenceMurmur3(utf8(`${salt}:${id}`), 0)).toBe(hash);
    expect(hash % ROUTING_BUCKET_COUNT).toBe(bucket);
    expect(routingBucket(salt, id)).toBe(bucket);
  });

  it("hashes UTF-8 bytes: composed and decomposed é are different ids", () => {
    expect(routingBucket("rollout-v1", "cafe\u0301")).not.toBe(routingBucket("rollout-v1", "caf\u00e9"));
  });

  it("is always an integer in 0 … 9999", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: "grapheme" }), (salt, id) => {
        const b = routingBucket(salt, id);
        expect(Number.isInteger(b) && b >= 0 && b < ROUTING_BUCKET_COUNT).toBe(true);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it("changes with the salt: two salts spread the same ids differently", () => {
    const ids = fc.sample(fc.uuid(), { seed: 11, numRuns: 2000 });
    const moved = ids.filter((id) => routingBucket("salt-a", id) !== routingBucket("salt-b", id)).length;
    // Independent buckets collide with probability 1/10000; nearly every id must move.
    expect(moved).toBeGreaterThan(1990);
    const inTenPercentA = new Set(ids.filter((id) => routingBucket("salt-a", id) < 1000));
    const inBoth = ids.filter((id) => inTenPercentA.has(id) && routingBucket("salt-b", id) < 1000).length;
    // With independent salts the overlap of two 10 % cohorts is about 1 %, not 10 %.
    expect(inBoth).toBeLessThan(60);
  });
});

describe("docs/routing-hash.md", () => {
  // Reading the doc here (test only, never in library code) keeps its vector table from drifting.
  // Rows are compared cell by cell because the formatter pads markdown tables.
  const doc = readFileSync(new URL("../../../docs/routing-hash.md", import.meta.url), "utf8");
  const rows = doc
    .split("\n")
    .filter((line) => line.trim().startsWith("|"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim())
        .join(" | "),
    );
  const cell = (s: string) => (s === "" ? "(empty)" : `\`${s}\``);

  it.each(ROUTING_VECTORS)("lists salt %j, id %j", (salt, id, hash, bucket) => {
    expect(rows).toContain(`${cell(salt)} | ${cell(id)} | ${hash} | ${bucket}`);
  });

  it("has exactly the test's routing rows, no stale extra ones", () => {
    // A routing row has four cells ending in two plain numbers (the raw table has three cells).
    const docRoutingRows = rows.filter((r) => r.split(" | ").length === 4 && /\| \d+ \| \d+$/.test(r));
    expect(docRoutingRows).toHaveLength(ROUTING_VECTORS.length);
  });

  it("states the check value", () => {
    expect(rows).toContain("`hello` | 0 | 613153351");
  });
});
