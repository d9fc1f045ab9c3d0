import Link from "next/link";
import { redirect } from "next/navigation";
import { signedInUser } from "~/server/signed-in-user";
import { readSystemStatus } from "~/server/system-status";

export const dynamic = "force-dynamic";

const PHASES = [
  "Parallel implementation: the new system runs beside the legacy queue",
  "Feature flag and shadow mode: both systems process, results are compared",
  "Gradual rollout: a growing share of work orders, chosen by a hash of their id",
  "Legacy removal: the old queue is retired",
];

/** Signed-out landing page: what this is, and whether its parts are up. Signed in: the overview. */
export default async function LandingPage() {
  const me = await signedInUser().catch(() => null);
  if (me) redirect("/overview");
  const status = await readSystemStatus();
  return (
    <main className="narrow">
      <h1>Queue Migration Console</h1>
      <p>
        Moves background work orders from the legacy queue to the new queue system without an outage, in four
        phases, with a rollback that is one action away.
      </p>
      <ol>
        {PHASES.map((phase) => (
          <li key={phase}>{phase}</li>
        ))}
      </ol>
      <p>
        <Link className="button button-primary" href="/sign-in">
          Sign in to the console
        </Link>
      </p>
      <h2>System status</h2>
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
    </main>
  );
}
