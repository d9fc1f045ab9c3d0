import type { Prisma } from "@qmc/db";

/** Who performs a mutation, as written to the audit log. */
export interface AuditActor {
  /** Human-readable actor: an email, or "system" for boot-time work. */
  actor: string;
  /** The acting user's id, when the actor is a signed-in user. */
  actorUserId?: string;
}

/** A database handle: the client itself or the client of an interactive transaction. */
export type Db = Prisma.TransactionClient;

interface AuditRecord {
  action: string;
  subjectType: string;
  subjectId: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  reason?: string;
}

/** Appends one audit event. Pass the transaction client so the event commits with the change. */
export async function recordAudit(db: Db, who: AuditActor, record: AuditRecord): Promise<void> {
  await db.auditEvent.create({
    data: { actor: who.actor, actorUserId: who.actorUserId ?? null, ...record },
  });
}
