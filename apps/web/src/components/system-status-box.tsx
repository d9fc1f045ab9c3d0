import type { SystemStatus } from "~/server/system-status";

/** Whether the console's parts answer, shown before sign-in so a person can tell "down" from "wrong password". */
export function SystemStatusBox({ status }: { status: SystemStatus }) {
  return (
    <section className="status" aria-label="System status">
      <span>PostgreSQL</span>
      <strong className={status.postgres} data-testid="status-postgres">
        {status.postgres}
      </strong>
      <span>Redis</span>
      <strong className={status.redis} data-testid="status-redis">
        {status.redis}
      </strong>
      <span>Workers alive</span>
      <strong className={status.workersAlive > 0 ? "up" : "down"} data-testid="status-workers">
        {status.workersAlive}
      </strong>
    </section>
  );
}
