/**
 * The database's clock: the one every scheduler decides due-ness by, read
 * where a due time is computed outside SQL (a recurring job's first tick).
 */
export const databaseNowSql = (): string => `SELECT now() AS now`;
