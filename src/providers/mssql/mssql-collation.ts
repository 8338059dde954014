/**
 * Whether `name` is a SQL Server collation dtde can compare with on the client: a Windows or SQL
 * collation with its case and accent flags (`Latin1_General_100_CI_AS`,
 * `SQL_Latin1_General_CP1_CS_AS`) or a binary one (`Latin1_General_100_BIN2`). Letters, digits
 * and `_` only, so it can be written into DDL as it is.
 *
 * @example isMssqlCollation('Latin1_General_100_CI_AS'); // true
 */
export function isMssqlCollation(name: string): boolean {
  return /^[A-Za-z0-9_]{1,128}$/.test(name) && /_(CI|CS)_(AI|AS)(_|$)|_BIN2?$/i.test(name);
}
