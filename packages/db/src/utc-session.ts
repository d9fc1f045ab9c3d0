/**
 * Every `timestamp(3)` column holds UTC. Statements pass times as UTC literals, so they do not
 * depend on the session; this makes anything that still reads the session's zone (`now()` into
 * a timestamp column, `::date`, a literal without offset compared to a `timestamptz`) agree,
 * whatever time zone the server or the database defaults to. A `SET` on connect rather than a
 * startup `options` parameter: PgBouncer (1.18, transaction pooling) refuses `options` but tracks
 * `TimeZone` per client and restores it on every server connection it lends that client.
 */
export const UTC_SESSION_SQL = "SET TimeZone = 'UTC'";
