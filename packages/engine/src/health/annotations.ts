import type { PrismaClient, QueueConfig } from "@qmc/db";

/** A config version written inside a chart's window, with what it changed. */
export interface ConfigChangeAnnotation {
  version: number;
  at: Date;
  actor: string;
  reason: string;
  /** e.g. "rollout 10 % → 50 %; shadow mode on → off" */
  summary: string;
  changes: Array<{ field: string; before: string; after: string }>;
}

/** A gate decision (an evaluation that acted) inside a chart's window. */
export interface GateDecisionAnnotation {
  id: string;
  at: Date;
  metric: string;
  subject: string;
  action: string;
  status: string;
  value: number | null;
  limit: number;
  explanation: string;
}

const onOff = (v: boolean) => (v ? "on" : "off");
const yesNo = (v: boolean) => (v ? "yes" : "no");
const percentOf = (row: QueueConfig) => `${row.rolloutBasisPoints / 100} %`;

/** The settings a version changed; the salt's value is never shown, only that it changed. */
function diff(before: QueueConfig | null, after: QueueConfig): ConfigChangeAnnotation["changes"] {
  const fields: Array<[string, (r: QueueConfig) => string]> = [
    ["switch", (r) => onOff(r.useNewQueueSystem)],
    ["shadow mode", (r) => onOff(r.shadowMode)],
    ["rollout", percentOf],
    ["paused", (r) => yesNo(r.paused)],
    ["legacy retired", (r) => yesNo(r.legacyRetired)],
  ];
  if (!before) return fields.map(([field, read]) => ({ field, before: "", after: read(after) }));
  const changes = fields.flatMap(([field, read]) =>
    read(before) === read(after) ? [] : [{ field, before: read(before), after: read(after) }],
  );
  if (before.salt !== after.salt)
    changes.push({ field: "routing salt", before: "[redacted]", after: "[redacted]" });
  return changes;
}

function summaryOf(before: QueueConfig | null, changes: ConfigChangeAnnotation["changes"]): string {
  if (!before) return `initial configuration: ${changes.map((c) => `${c.field} ${c.after}`).join(", ")}`;
  if (changes.length === 0) return "no setting changed";
  return changes
    .map((c) => (c.field === "routing salt" ? "routing salt rotated" : `${c.field} ${c.before} → ${c.after}`))
    .join("; ");
}

/** Config versions written in `[from, to)`, each with its before → after summary. */
export async function readConfigChanges(
  prisma: PrismaClient,
  from: Date,
  to: Date,
): Promise<ConfigChangeAnnotation[]> {
  const rows = await prisma.queueConfig.findMany({
    where: { createdAt: { gte: from, lt: to } },
    orderBy: { version: "asc" },
    take: 500,
  });
  const first = rows[0];
  const previous = first
    ? await prisma.queueConfig.findUnique({ where: { version: first.version - 1 } })
    : null;
  return rows.map((row, i) => {
    const before = i === 0 ? previous : (rows[i - 1] ?? null);
    const changes = diff(before, row);
    return {
      version: row.version,
      at: row.createdAt,
      actor: row.actor,
      reason: row.reason,
      summary: summaryOf(before, changes),
      changes,
    };
  });
}

/** Gate decisions taken in `[from, to)`, oldest first (at most 500, the newest). */
export async function readGateDecisions(
  prisma: PrismaClient,
  from: Date,
  to: Date,
): Promise<GateDecisionAnnotation[]> {
  const rows = await prisma.gateDecision.findMany({
    where: { at: { gte: from, lt: to } },
    orderBy: { at: "desc" },
    take: 500,
    select: {
      id: true,
      at: true,
      metric: true,
      subject: true,
      action: true,
      status: true,
      value: true,
      limit: true,
      explanation: true,
    },
  });
  return rows.reverse();
}
