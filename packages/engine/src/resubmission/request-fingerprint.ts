import { createHash } from "node:crypto";

/** What a re-submission re-submits: the original submission, as its audit event holds it. */
export interface Submission {
  kind: string;
  payload: unknown;
  priority?: number;
}

/**
 * The fingerprint of a re-submission request: the audit event it names and the submission that
 * event holds (what the new order will run). Two requests with one key are "the same request" iff
 * their fingerprints are equal. The reason is left out: it is a note for the audit trail, and a
 * retry whose reason was reworded still wants the order the first attempt made.
 */
export function requestFingerprint(auditEventId: bigint, submission: Submission): string {
  const canonical = stableJson({
    auditEventId: String(auditEventId),
    kind: submission.kind,
    payload: submission.payload ?? null,
    priority: submission.priority ?? null,
  });
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * The id of the order a key makes for a request: derived from both, so the key's row, which holds
 * that id from the moment the key is claimed, also binds the key to its request — no column of its
 * own needed. A UUID of version 8 (RFC 9562, "custom"); ids of orders made otherwise are version 4.
 */
export function resubmittedOrderId(idempotencyKey: string, fingerprint: string): string {
  const hex = createHash("sha256")
    .update(JSON.stringify(["qmc:resubmit", idempotencyKey, fingerprint]))
    .digest("hex");
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** True for an id {@link resubmittedOrderId} made (a key claimed before fingerprints holds a random id). */
export function isFingerprintedOrderId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id);
}

/** JSON with object keys sorted at every level, so equal values always hash alike. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
