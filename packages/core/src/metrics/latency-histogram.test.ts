import { describe, expect, it } from "vitest";
import {
  bucketOf,
  emptyHistogram,
  histogramCount,
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  mergeHistograms,
  observe,
  quantileMs,
} from "./latency-histogram.ts";

function histogramOf(latencies: number[]) {
  const h = emptyHistogram();
  for (const ms of latencies) observe(h, ms);
  return h;
}

function exactQuantile(latencies: number[], q: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

describe("latency histograms", () => {
  it("have increasing bounds from 1 ms to an hour, 1.2× apart", () => {
    expect(LATENCY_BUCKET_BOUNDS_MS[0]).toBe(1);
    expect(LATENCY_BUCKET_BOUNDS_MS.at(-1)).toBe(3_600_000);
    for (let i = 1; i < LATENCY_BUCKET_BOUNDS_MS.length - 1; i++) {
      const ratio = (LATENCY_BUCKET_BOUNDS_MS[i] ?? 0) / (LATENCY_BUCKET_BOUNDS_MS[i - 1] ?? 1);
      expect(ratio).toBeGreaterThan(1.19);
      expect(ratio).toBeLessThan(1.21);
    }
    expect(LATENCY_BUCKET_COUNT).toBe(LATENCY_BUCKET_BOUNDS_MS.length + 1);
  });

  it("put each latency in the first bucket whose bound holds it", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.0001)).toBe(1);
    expect(bucketOf(3_600_000)).toBe(LATENCY_BUCKET_BOUNDS_MS.length - 1);
    expect(bucketOf(3_600_001)).toBe(LATENCY_BUCKET_BOUNDS_MS.length);
    for (const ms of [3, 17, 250, 999, 12_345, 600_000]) {
      const i = bucketOf(ms);
      expect(LATENCY_BUCKET_BOUNDS_MS[i]).toBeGreaterThanOrEqual(ms);
      expect(i === 0 || (LATENCY_BUCKET_BOUNDS_MS[i - 1] ?? 0) < ms).toBe(true);
    }
  });

  it("give p50/p95/p99 within 10 % of the exact values, however they are split and merged", () => {
    // A skewed distribution: mostly fast, a slow tail.
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const latencies = Array.from({ length: 20_000 }, () =>
      Math.round(20 + 30 * -Math.log(random()) + (random() < 0.02 ? 2000 * random() : 0)),
    );
    const parts = [latencies.slice(0, 5000), latencies.slice(5000, 12_000), latencies.slice(12_000)];
    const merged = mergeHistograms(parts.map(histogramOf));
    expect(histogramCount(merged)).toBe(latencies.length);
    expect(merged).toEqual(histogramOf(latencies));
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(latencies, q);
      const estimate = quantileMs(merged, q) ?? 0;
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.1);
    }
  });

  it("tell a p99 twice as slow from one 2.4 times as slow", () => {
    const base = Array.from({ length: 1000 }, (_, i) => 100 + (i % 100));
    const p99 = (scale: number) => quantileMs(histogramOf(base.map((ms) => ms * scale)), 0.99) ?? 0;
    const ratio2 = p99(2) / p99(1);
    const ratio24 = p99(2.4) / p99(1);
    expect(ratio2).toBeGreaterThan(1.8);
    expect(ratio2).toBeLessThan(2.2);
    expect(ratio24).toBeGreaterThan(2.2);
  });

  it("answer null when empty, and refuse a histogram of another layout", () => {
    expect(quantileMs(emptyHistogram(), 0.99)).toBeNull();
    expect(() => mergeHistograms([[1, 2, 3]])).toThrow(RangeError);
    expect(mergeHistograms([[]])).toEqual(emptyHistogram());
  });
});
