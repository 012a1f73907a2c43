const summaryColumns = `id::text AS id, queue, state, type_name, method_name, display_name, created_at,
  state_changed_at, run_at, lease_owner, parent_id::text AS parent_id, recurring_id`;

/*
 * The dashboard's search. Parameters, shared by both statements:
 *   $1 state, or NULL for every state
 *   $2 a job id (decimal text) matched exactly, or NULL when the term is not one
 *   $3 an ILIKE pattern ('%' + term with \, % and _ escaped + '%'), or NULL for no term
 * A term matches the id, the display name, the type name, the method name or
 * the payload's JSON text. The pattern scans (no trigram index): fine for a
 * person searching, not for a hot path.
 */
const searchWhere = `($1::text IS NULL OR state = $1::text)
  AND ($3::text IS NULL
       OR id = $2::bigint
       OR display_name ILIKE $3::text ESCAPE '\\'
       OR type_name ILIKE $3::text ESCAPE '\\'
       OR method_name ILIKE $3::text ESCAPE '\\'
       OR payload ILIKE $3::text ESCAPE '\\')`;

/** A page of matching jobs, newest first: $4 offset, $5 limit; the total alongside. */
export const searchJobsSql = (schema: string): string => `
SELECT ${summaryColumns}, count(*) OVER ()::int AS total
FROM ${schema}.jobs WHERE ${searchWhere}
ORDER BY id DESC OFFSET $4 LIMIT $5`;

/** The number of matching jobs, for a page past the end (where the windowed total has no row). */
export const countSearchSql = (schema: string): string => `
SELECT count(*)::int AS total FROM ${schema}.jobs WHERE ${searchWhere}`;
