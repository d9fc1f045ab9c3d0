import { DomainError, parseAuditCursor } from "@qmc/core";
import { z } from "zod";

/**
 * Paging cursors. A list hands out `nextCursor`; the caller sends it back as `cursor`. Anything
 * else — the wrong type, empty, malformed, or the id of no row of the list — is refused with one
 * sentence (INVALID_INPUT on `cursor`), rather than a driver's text ("Cannot convert abc to a
 * BigInt") or a silently empty page that reads as "no more".
 */

/** What each list's cursors are, as the refusal tells the caller. */
export const CURSOR_KINDS = {
  auditEvent: {
    looks: "a time and an entry id, like 1796644800000.t42, with ids up to 9223372036854775807",
    test: (cursor: string) => parseAuditCursor(cursor) !== null,
  },
  gateDecision: {
    looks: "health decision ids, which are UUIDs",
    test: (cursor: string) => z.uuid().safeParse(cursor).success,
  },
  workOrder: {
    looks: "work-order ids",
    // The charset of ZWorkOrderId (work-order-schemas.ts).
    test: (cursor: string) => /^[A-Za-z0-9._:-]{1,100}$/.test(cursor),
  },
} as const;

export type CursorKind = keyof typeof CURSOR_KINDS;

function cursorSentence(kind: CursorKind, cursor: unknown): string {
  const shown = typeof cursor === "string" && cursor.length > 40 ? `${cursor.slice(0, 40)}…` : cursor;
  return `The cursor ${JSON.stringify(shown) ?? String(shown)} is not one this list gave out (its cursors are ${CURSOR_KINDS[kind].looks}); start from the first page (leave the cursor out)`;
}

/** The `cursor` input of a list whose cursors are of `kind`. */
export function pageCursor(kind: CursorKind) {
  const error = (issue: { input?: unknown }) => cursorSentence(kind, issue.input);
  return z.string({ error }).refine(CURSOR_KINDS[kind].test, { error, abort: true });
}

/**
 * Lists that page from a cursor row (Prisma's `cursor`) answer an empty page when that row does
 * not exist; the domain read reports that (`unknownCursor`), and the procedure refuses the
 * cursor with this error: it was never this list's.
 */
export function unknownCursor(kind: CursorKind, cursor: string | undefined): DomainError {
  const message = cursorSentence(kind, cursor);
  return new DomainError("INVALID_INPUT", `Invalid input: cursor: ${message}.`, {
    issues: [{ path: "cursor", message }],
  });
}
