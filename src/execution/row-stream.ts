import type { MergeRow } from '../planner/merge-plan.js';
import { canonicalRow, type FieldCollations } from './canonical-key.js';

/**
 * Small streaming steps shared by the merges: paging, dropping helper columns, distinct.
 * Each stops pulling its source as soon as it has what it needs.
 */

/** Skips `skip` items, then yields at most `take`; with take reached it stops pulling. */
export async function* skipTake<T>(source: AsyncIterable<T>, skip = 0, take = Infinity): AsyncGenerator<T, void, undefined> {
  if (take <= 0) return;
  let skipped = 0;
  let taken = 0;
  for await (const item of source) {
    if (skipped < skip) {
      skipped++;
      continue;
    }
    yield item;
    if (++taken >= take) return;
  }
}

/** A copy of `row` without `fields` (the row itself when there is nothing to strip). */
export function stripRow(row: MergeRow, fields: readonly string[] | undefined): MergeRow {
  if (!fields || fields.length === 0) return row;
  const copy: Record<string, unknown> = { ...row };
  for (const field of fields) delete copy[field];
  return copy;
}

/** Removes `fields` from every row. */
export function stripRows(source: AsyncIterable<MergeRow>, fields: readonly string[] | undefined): AsyncIterable<MergeRow> {
  // Nothing to strip: no generator in between.
  if (!fields || fields.length === 0) return source;
  return stripEach(source, fields);
}

async function* stripEach(source: AsyncIterable<MergeRow>, fields: readonly string[]): AsyncGenerator<MergeRow, void, undefined> {
  for await (const row of source) yield stripRow(row, fields);
}

/**
 * Drops rows equal (by `canonicalRow`, strings by their field's collation) to an earlier one;
 * memory grows with distinct rows seen.
 */
export async function* distinctRows(
  source: AsyncIterable<MergeRow>,
  collations?: FieldCollations,
): AsyncGenerator<MergeRow, void, undefined> {
  const seen = new Set<string>();
  for await (const row of source) {
    const key = canonicalRow(row, collations);
    if (seen.has(key)) continue;
    seen.add(key);
    yield row;
  }
}

/** Plain rows of an interleaved shard stream. */
export async function* rowsOf<T>(source: AsyncIterable<{ readonly row: T }>): AsyncGenerator<T, void, undefined> {
  for await (const { row } of source) yield row;
}
