import type { Redis } from "@qmc/transport";
import pg from "pg";

/** What Postgres counts for one database: WAL position, rows written per table, statements. */
export interface PostgresSnapshot {
  walLsn: string;
  tables: Map<string, { inserted: number; updated: number; hotUpdated: number }>;
}

export interface TableWrites {
  table: string;
  inserted: number;
  updated: number;
  hotUpdated: number;
  /** Index entries one order adds: every index for an insert or a non-HOT update. */
  indexEntries: number;
  indexes: string[];
}

export interface StatementCost {
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
}

/**
 * Reads the database's own counters around a run. Postgres publishes a backend's table counters
 * when it goes idle, at most once a second (else within 10 s), so {@link settle} waits that out.
 */
export class PostgresStats {
  private constructor(private readonly client: pg.Client) {}

  static async open(databaseUrl: string): Promise<PostgresStats> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new PostgresStats(client);
  }

  /** Whether `pg_stat_statements` is preloaded; when it is, it is created here and reset. */
  async startStatements(): Promise<boolean> {
    const { rows } = await this.client.query<{ loaded: boolean }>(
      "SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%' AS loaded",
    );
    if (!rows[0]?.loaded) return false;
    await this.client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await this.client.query("SELECT pg_stat_statements_reset()");
    return true;
  }

  async snapshot(): Promise<PostgresSnapshot> {
    const wal = await this.client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
    const tables = await this.client.query<{ relname: string; ins: string; upd: string; hot: string }>(
      `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_user_tables`,
    );
    return {
      walLsn: wal.rows[0]?.lsn ?? "0/0",
      tables: new Map(
        tables.rows.map((r) => [
          r.relname,
          { inserted: Number(r.ins), updated: Number(r.upd), hotUpdated: Number(r.hot) },
        ]),
      ),
    };
  }

  /** Lets every backend publish its counters (see the class comment). */
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 11_000));
  }

  async walBytesBetween(before: PostgresSnapshot, after: PostgresSnapshot): Promise<number> {
    const { rows } = await this.client.query<{ bytes: string }>(
      "SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn) AS bytes",
      [after.walLsn, before.walLsn],
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  /** Rows and index entries written per item, per table, largest first. */
  async writesPer(before: PostgresSnapshot, after: PostgresSnapshot, items: number): Promise<TableWrites[]> {
    const { rows } = await this.client.query<{ table: string; index: string; partial: boolean }>(
      `SELECT t.relname AS "table", i.relname AS "index", x.indpred IS NOT NULL AS partial
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()`,
    );
    const result: TableWrites[] = [];
    for (const [table, counts] of after.tables) {
      const was = before.tables.get(table) ?? { inserted: 0, updated: 0, hotUpdated: 0 };
      const inserted = (counts.inserted - was.inserted) / items;
      const updated = (counts.updated - was.updated) / items;
      const hotUpdated = (counts.hotUpdated - was.hotUpdated) / items;
      if (inserted === 0 && updated === 0) continue;
      const indexes = rows.filter((r) => r.table === table);
      // A partial index takes only the row versions its predicate matches: counted as taking all.
      const indexEntries = (inserted + updated - hotUpdated) * indexes.length;
      result.push({
        table,
        inserted,
        updated,
        hotUpdated,
        indexEntries,
        indexes: indexes.map((r) => (r.partial ? `${r.index} (partial)` : r.index)),
      });
    }
    return result.sort((a, b) => b.indexEntries - a.indexEntries);
  }

  /** The statements that took the most time, this database only. */
  async topStatements(limit = 8): Promise<StatementCost[]> {
    const { rows } = await this.client.query<{ query: string; calls: string; total: number; rows: string }>(
      `SELECT query, calls, total_exec_time AS total, rows FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      query: r.query.replace(/\s+/g, " ").trim(),
      calls: Number(r.calls),
      totalMs: r.total,
      rows: Number(r.rows),
    }));
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** `INFO commandstats` as command → calls and microseconds (the whole server). */
export async function redisCommandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const info = await redis.info("commandstats");
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const line of info.split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (match?.[1]) stats.set(match[1], { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}
