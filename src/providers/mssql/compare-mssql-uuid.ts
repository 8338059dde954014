/**
 * The positions, in a GUID's text (`aabbccdd-eeff-gghh-iijj-kkllmmnnoopp`, byte 0 = `aa`), of the
 * bytes SQL Server compares, most significant first: the last six bytes (`kk`…`pp`) left to right,
 * then `iijj` left to right, then the first three groups each from their last byte to their first
 * (SQL Server stores those little-endian and compares the stored bytes in the order
 * 10–15, 8–9, 6–7, 4–5, 0–3, as .NET's `SqlGuid` documents).
 */
const SIGNIFICANCE = [10, 11, 12, 13, 14, 15, 8, 9, 7, 6, 5, 4, 3, 2, 1, 0];

const GUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * Orders two GUIDs as SQL Server orders `uniqueidentifier` values (byte groups, the last six bytes
 * first), not as text, so that a merge of shard answers ordered by a GUID column returns what one
 * table returns. Nulls are the caller's (they sort first); values that are not GUID text (never
 * the case for a `uuid` column) compare as text.
 *
 * @example
 * compareMssqlUuid('ffffffff-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000001'); // -1
 */
export function compareMssqlUuid(a: unknown, b: unknown): number {
  if (typeof a !== 'string' || typeof b !== 'string' || !GUID.test(a) || !GUID.test(b)) {
    const [s, t] = [String(a), String(b)];
    return s < t ? -1 : s > t ? 1 : 0;
  }
  const x = a.replace(/-/g, '').toLowerCase();
  const y = b.replace(/-/g, '').toLowerCase();
  for (const byte of SIGNIFICANCE) {
    const p = x.slice(byte * 2, byte * 2 + 2);
    const q = y.slice(byte * 2, byte * 2 + 2);
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
