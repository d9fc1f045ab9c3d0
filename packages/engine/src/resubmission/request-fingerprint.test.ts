import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isFingerprintedOrderId, requestFingerprint, resubmittedOrderId } from "./request-fingerprint.ts";

const submission = { kind: "synthetic", payload: { durationMs: 5, tags: { a: 1, b: [1, 2] } }, priority: 3 };

describe("requestFingerprint", () => {
  it("is the same for the same event and submission, whatever the key order of the payload", () => {
    const reordered = { ...submission, payload: { tags: { b: [1, 2], a: 1 }, durationMs: 5 } };
    expect(requestFingerprint(7n, reordered)).toBe(requestFingerprint(7n, submission));
  });

  it("differs with the event, the kind, the payload or the priority", () => {
    const base = requestFingerprint(7n, submission);
    expect(requestFingerprint(8n, submission)).not.toBe(base);
    expect(requestFingerprint(7n, { ...submission, kind: "command" })).not.toBe(base);
    expect(requestFingerprint(7n, { ...submission, payload: { durationMs: 6 } })).not.toBe(base);
    expect(requestFingerprint(7n, { ...submission, priority: 4 })).not.toBe(base);
  });
});

describe("resubmittedOrderId", () => {
  it("is a version-8 UUID, one per key and fingerprint", () => {
    const fingerprint = requestFingerprint(7n, submission);
    const id = resubmittedOrderId("key-0001", fingerprint);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(resubmittedOrderId("key-0001", fingerprint)).toBe(id);
    expect(resubmittedOrderId("key-0002", fingerprint)).not.toBe(id);
    expect(resubmittedOrderId("key-0001", requestFingerprint(8n, submission))).not.toBe(id);
  });

  it("tells its ids from the random ids other orders (and keys claimed before fingerprints) have", () => {
    expect(isFingerprintedOrderId(resubmittedOrderId("k", "f"))).toBe(true);
    expect(isFingerprintedOrderId(randomUUID())).toBe(false);
    expect(isFingerprintedOrderId("")).toBe(false);
  });
});
