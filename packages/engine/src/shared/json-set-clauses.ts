/**
 * SET clauses driven by a JSON object of the fields to change: each column is set when its key
 * is present (to the key's value, even null) and kept otherwise — how a batched statement applies
 * a different set of changes to each row it updates.
 * @param columns column name → SQL type of the cast
 * @param json the SQL expression of the row's JSON object (e.g. `i.set`)
 * @param alias the updated table's alias
 */
export function jsonSetClauses(columns: Record<string, string>, json: string, alias: string): string {
  return Object.entries(columns)
    .map(
      ([column, type]) =>
        `"${column}" = CASE WHEN ${json} ? '${column}' THEN (${json}->>'${column}')::${type} ELSE ${alias}."${column}" END`,
    )
    .join(",\n      ");
}
