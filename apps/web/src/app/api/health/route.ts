import { readSystemStatus } from "~/server/system-status";

export const dynamic = "force-dynamic";

/** Liveness probe: the one route that needs no sign-in (DESIGN.md §7). 503 when a store is down. */
export async function GET() {
  const status = await readSystemStatus();
  return Response.json(status, { status: status.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
