import type { DomainErrorCode } from "@qmc/core";
import { type ApiErrorFacts, apiErrorFacts } from "./api-error";
import { formatPercent, formatSeconds } from "./format";

/** Facts the page knows that make a sentence more useful (the live rollout after a conflict). */
export interface ErrorContext {
  liveRollout?: { version: number; newQueueRolloutPercent: number; useNewQueueSystem: boolean } | undefined;
}

type Sentence = (facts: ApiErrorFacts, context: ErrorContext) => string;

const str = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);
const num = (value: unknown): number | null => (typeof value === "number" ? value : null);

function waitFor(facts: ApiErrorFacts): string {
  const seconds = num(facts.details.retryAfterSeconds);
  return seconds === null ? "a few seconds" : formatSeconds(seconds);
}

function serviceName(facts: ApiErrorFacts): string {
  const service = str(facts.details.service);
  if (service === "postgres") return "The database (PostgreSQL)";
  if (service === "redis") return "The queue store (Redis)";
  return "A service the console depends on";
}

function issuesOf(facts: ApiErrorFacts): string {
  const issues = Array.isArray(facts.details.issues) ? facts.details.issues : [];
  const parts = issues
    .slice(0, 3)
    .map((issue: { path?: unknown; message?: unknown }) =>
      [str(issue.path), str(issue.message)].filter(Boolean).join(": "),
    )
    .filter(Boolean);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

/**
 * One sentence per domain code, with the next step. Codes without an entry fall back to the
 * server's own message, which is also written for people.
 */
const DOMAIN_SENTENCES: Partial<Record<DomainErrorCode, Sentence>> = {
  CONFIG_VERSION_CONFLICT: (facts, { liveRollout }) => {
    const live = liveRollout
      ? `now v${liveRollout.version}: ${liveRollout.useNewQueueSystem ? formatPercent(liveRollout.newQueueRolloutPercent) : "switch off"}`
      : `now v${num(facts.details.liveVersion) ?? "?"}`;
    return `Someone changed the rollout a moment ago (${live}). Review and apply again.`;
  },
  ROLLOUT_PAUSED: (facts) =>
    `The rollout is paused by the health guard (${str(facts.details.pausedReason) ?? "a threshold was crossed"}). Acknowledge the pause with a reason before raising the percent or switching the new system on; lowering the percent and rolling back stay allowed.`,
  LEGACY_RETIRED: () =>
    "Legacy is retired, so a rollback could not send anything there. An admin un-retires it first (Migration page), then roll back.",
  INVALID_ROLLOUT_PERCENT: () =>
    "The percent must be between 0 and 100, in steps of 0.01. Correct it and apply again.",
  REASON_REQUIRED: () =>
    "Say why (1 to 500 characters): the reason is kept in the audit log with the change.",
  INVALID_INPUT: (facts) =>
    `Some of what you entered cannot be accepted${issuesOf(facts)}. Correct it and try again.`,
  INVALID_CREDENTIALS: () =>
    "That email and password do not match an active account. Check them and try again; after 5 failures the account is blocked for a few minutes.",
  RATE_LIMITED: (facts) => `Too many sign-in attempts. Wait ${waitFor(facts)} before trying again.`,
  SERVICE_UNAVAILABLE: (facts) =>
    `${serviceName(facts)} is not answering right now. Try again in ${waitFor(facts)}; if it keeps failing, check that service.`,
  PASSWORD_CHANGE_REQUIRED: () =>
    "You must change your password before doing anything else. Change it, then carry on.",
  SESSION_REQUIRED: () =>
    "Only a signed-in person can do this, not an API token. Sign in to the console and do it here.",
  LAST_ADMIN: (facts) =>
    `This is the last active admin and cannot be ${facts.details.change === "demote" ? "demoted" : "disabled"}. Make another user an admin first.`,
  WEAK_PASSWORD: (facts) => `${facts.message} Try a few unrelated words.`,
  INVALID_EMAIL: () => "That is not a valid email address. Correct it and try again.",
  EMAIL_TAKEN: () =>
    "An account with that email already exists. Use another email, or manage the existing account.",
  USER_NOT_FOUND: () => "That account no longer exists. Reload the list.",
  BATCH_TOO_LARGE: () => "The console sent too many requests at once. Reload the page.",
  BACKPRESSURE: () =>
    "The queues are full right now, so new orders are refused. Wait for them to drain and submit again.",
  RUN_IN_PROGRESS: () => "Another run of this kind is already going. Wait for it to end or cancel it first.",
  IDEMPOTENCY_KEY_REUSED: () =>
    "That resubmit button was already used for a different request. Reload the page and resubmit again.",
  IDEMPOTENCY_KEY_IN_USE: () =>
    "The same resubmission is still being made. Wait a few seconds; the audit log will show the new order.",
  AUDIT_EVENT_NOT_RESUBMITTABLE: () =>
    "This audit entry holds no submission, so there is nothing to resubmit. Pick a work_order.submit entry.",
  INVALID_PAYLOAD: (facts) => {
    const problems = Array.isArray(facts.details.problems) ? facts.details.problems.filter(str) : [];
    const list = problems.length ? ` (${problems.slice(0, 3).join("; ")})` : "";
    return `The payload does not match the kind's schema${list}. Correct it and submit again.`;
  },
  UNKNOWN_TASK_KIND: () => "That kind of work is not known. Pick one of the listed kinds.",
  PAYLOAD_TOO_LARGE: () => "The payload is larger than the limit. Make it smaller and submit again.",
  INVALID_PRIORITY: () => "The priority is out of range. Correct it and submit again.",
  COMMAND_NOT_ALLOWED: (facts) => `${facts.message} Use a command on the allowlist.`,
  WORK_ORDER_NOT_FOUND: () => "That work order does not exist (or no longer does). Check the id.",
  INVALID_TRANSITION: (facts) => `${facts.message} Nothing was changed.`,
  MIGRATION_RUN_NOT_FOUND: () => "That background run does not exist. Reload the page.",
  RETIREMENT_BLOCKED: (facts) =>
    `Legacy cannot be retired yet: ${facts.message} Clear what the checklist marks as not met, then retire.`,
  RUN_NOT_ACTIVE: () =>
    "That run has already ended, so there is nothing to cancel. Its final counts are shown.",
  INVALID_THRESHOLD: (facts) => `${facts.message} Correct the values and save again.`,
  GATE_DECISION_NOT_FOUND: () => "That health decision does not exist. Reload the alert history.",
  GATE_DECISION_NOT_OPEN: () =>
    "That decision is no longer open (someone acknowledged it, or it resolved by itself). Nothing was changed.",
};

/** Codes of tRPC itself, when no domain code says more. */
const TRPC_SENTENCES: Record<string, Sentence> = {
  NETWORK: () =>
    "The console's server could not be reached. Check your connection; the page keeps its last data and tries again by itself.",
  UNAUTHORIZED: () => "Your session has ended. Sign in again; you will come back to this page.",
  FORBIDDEN: (facts) => `${facts.message} Ask an admin if you need this.`,
  NOT_FOUND: () => "That no longer exists. Reload the page.",
  TOO_MANY_REQUESTS: (facts) => `Too many requests. Wait ${waitFor(facts)} and try again.`,
  SERVICE_UNAVAILABLE: (facts) => DOMAIN_SENTENCES.SERVICE_UNAVAILABLE?.(facts, {}) ?? facts.message,
  PAYLOAD_TOO_LARGE: () => "What you sent is too large. Send less and try again.",
  INTERNAL_SERVER_ERROR: () =>
    "Something went wrong on the server; it has been logged. Try again, and if it keeps failing, tell the team that runs the console.",
};

/** A typed API error as one sentence a person can act on: never a bare code. */
export function errorSentence(error: unknown, context: ErrorContext = {}): string {
  const facts = apiErrorFacts(error);
  const byDomain = facts.domainCode ? DOMAIN_SENTENCES[facts.domainCode] : undefined;
  if (byDomain) return byDomain(facts, context);
  const byCode = TRPC_SENTENCES[facts.code];
  if (byCode) return byCode(facts, context);
  return facts.message || "The request failed. Try again.";
}
