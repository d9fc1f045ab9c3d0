import { type AuditEntrySource, auditEntryId, formatAuditCursor, parseAuditCursor } from "@qmc/core";
import { Prisma, type PrismaClient } from "@qmc/db";

/** Which audit events a page shows: each field narrows; `from` is inclusive, `to` exclusive. */
export interface AuditEventFilter {
  subjectId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
  limit: number;
}

/** The actions of the machine transitions, read from the history tables rather than AuditEvent. */
export const TRANSITION_ACTION = "work_order.transition";
export const LEGACY_STATUS_ACTION = "legacy_work_order.status";

/**
 * Where an entry of the trail is stored. Each of an order's transitions is written once, to its
 * history table (StateTransition, LegacyStatusChange) in the statement that moves the order; the
 * trail shows those rows — all but an order's first, whose submit or migrate event is in
 * AuditEvent with the whole submission — merged with AuditEvent's operator and system events.
 * `rank` orders entries of the same millisecond.
 */
const SOURCES = [
  { name: "audit", rank: 0 },
  { name: "transition", rank: 1 },
  { name: "legacy", rank: 2 },
] as const satisfies ReadonlyArray<{ name: AuditEntrySource; rank: number }>;
type Source = (typeof SOURCES)[number];

interface Position {
  at: Date;
  rank: number;
  id: bigint;
}

function positionOf(cursor: string | undefined): Position | null {
  const position = cursor === undefined ? null : parseAuditCursor(cursor);
  if (!position) return null;
  const rank = SOURCES.find((s) => s.name === position.source)?.rank ?? 0;
  return { at: new Date(position.atMs), rank, id: position.id };
}

const ts = (date: Date) => Prisma.sql`${date.toISOString()}::timestamp(3)`;

/** Entries after `position` in the trail's order (newest first: time, then source, then id). */
function after(source: Source, position: Position | null): Prisma.Sql {
  if (!position) return Prisma.sql`TRUE`;
  if (source.rank < position.rank) return Prisma.sql`"at" <= ${ts(position.at)}`;
  if (source.rank > position.rank) return Prisma.sql`"at" < ${ts(position.at)}`;
  return Prisma.sql`("at" < ${ts(position.at)} OR ("at" = ${ts(position.at)} AND "id" < ${position.id}))`;
}

function timeRange(filter: AuditEventFilter): Prisma.Sql[] {
  return [
    ...(filter.from ? [Prisma.sql`"at" >= ${ts(filter.from)}`] : []),
    ...(filter.to ? [Prisma.sql`"at" < ${ts(filter.to)}`] : []),
  ];
}

/** A worker's own writes name it `worker:<id>`; the history tables keep only the id. */
const workerOf = (actor: string | undefined) => (actor?.startsWith("worker:") ? actor.slice(7) : null);

/** The source's conditions for the filter, or null when the filter excludes the whole source. */
function conditions(source: Source, filter: AuditEventFilter): Prisma.Sql[] | null {
  const { subjectId, actor, action } = filter;
  const worker = workerOf(actor);
  switch (source.name) {
    case "audit":
      if (action === TRANSITION_ACTION || action === LEGACY_STATUS_ACTION) return null;
      return [
        ...(subjectId ? [Prisma.sql`"subjectId" = ${subjectId}`] : []),
        ...(actor ? [Prisma.sql`"actor" = ${actor}`] : []),
        ...(action ? [Prisma.sql`"action" = ${action}`] : []),
      ];
    case "transition":
      if (action && action !== TRANSITION_ACTION) return null;
      return [
        Prisma.sql`"fromState" IS NOT NULL`,
        ...(subjectId ? [Prisma.sql`"workOrderId" = ${subjectId}`] : []),
        ...(actor === undefined
          ? []
          : worker === null
            ? [Prisma.sql`"actor" = ${actor}`]
            : [Prisma.sql`("actor" = ${actor} OR ("actor" IS NULL AND "workerId" = ${worker}))`]),
      ];
    case "legacy":
      if (action && action !== LEGACY_STATUS_ACTION) return null;
      if (actor !== undefined && worker === null) return null;
      return [
        Prisma.sql`"fromStatus" IS NOT NULL`,
        ...(subjectId ? [Prisma.sql`"workOrderId" = ${subjectId}`] : []),
        ...(worker === null ? [] : [Prisma.sql`"workerId" = ${worker}`]),
      ];
  }
}

/**
 * Each source's rows in the shape of an audit event, as AuditEvent held machine transitions until
 * they moved out of it (migration 20261207200000_history_once). Every column is named in each
 * part: a union takes its names from whichever part comes first.
 */
const COLUMNS: Record<Source["name"], Prisma.Sql> = {
  audit: Prisma.sql`SELECT "id", "at", "actor", "actorUserId", "action", "subjectType", "subjectId",
      "before", "after", "submission", "reason", "requestId", 0 AS "rank" FROM "AuditEvent"`,
  transition: Prisma.sql`SELECT "id", "at", COALESCE("actor", 'worker:' || "workerId", 'system') AS "actor",
      NULL::text AS "actorUserId", ${TRANSITION_ACTION}::text AS "action", 'WorkOrder' AS "subjectType",
      "workOrderId" AS "subjectId", jsonb_build_object('state', "fromState") AS "before",
      jsonb_build_object('state', "toState", 'event', "event", 'attempt', "attempt")
        || COALESCE("metadata", '{}'::jsonb) AS "after",
      NULL::jsonb AS "submission", NULL::text AS "reason", NULL::text AS "requestId", 1 AS "rank"
    FROM "StateTransition"`,
  legacy: Prisma.sql`SELECT "id", "at", COALESCE('worker:' || "workerId", 'system') AS "actor",
      NULL::text AS "actorUserId", ${LEGACY_STATUS_ACTION}::text AS "action", 'LegacyWorkOrder' AS "subjectType",
      "workOrderId" AS "subjectId", jsonb_build_object('status', "fromStatus") AS "before",
      jsonb_build_object('status', "toStatus") AS "after",
      NULL::jsonb AS "submission", NULL::text AS "reason", NULL::text AS "requestId", 2 AS "rank"
    FROM "LegacyStatusChange"`,
};

interface Row {
  id: bigint;
  at: Date;
  actor: string;
  actorUserId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  submission: unknown;
  reason: string | null;
  requestId: string | null;
  rank: number;
}

/**
 * One page of the audit trail, newest first: every change (config, guard, orders, runs, accounts)
 * and every transition of an order in either system. Ids are strings: AuditEvent's as decimals
 * (what `audit.resubmit` takes), a transition's `t<id>`, a legacy status change's `l<id>`. Each
 * source is read through its time index and only `limit + 1` rows of each are merged, so a page
 * costs the same at any size of history.
 */
export async function findAuditEvents(prisma: PrismaClient, filter: AuditEventFilter) {
  const position = positionOf(filter.cursor);
  const take = filter.limit + 1;
  const parts = SOURCES.flatMap((source) => {
    const where = conditions(source, filter);
    if (where === null) return [];
    const all = [...where, ...timeRange(filter), after(source, position)];
    return [
      Prisma.sql`(${COLUMNS[source.name]} WHERE ${Prisma.join(all, " AND ")}
        ORDER BY "at" DESC, "id" DESC LIMIT ${take})`,
    ];
  });
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT * FROM (${Prisma.join(parts, " UNION ALL ")}) AS entry
    ORDER BY "at" DESC, "rank" DESC, "id" DESC LIMIT ${take}`;
  const items = rows.slice(0, filter.limit).map(({ rank, ...row }) => ({
    ...row,
    id: auditEntryId(SOURCES[rank]?.name ?? "audit", row.id),
  }));
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > filter.limit && last ? formatAuditCursor(last.at.getTime(), last.id) : null,
  };
}
