import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import type { ElementMergePlan, MergeRow } from '../planner/merge-plan.js';

/**
 * `first`/`firstOrDefault`/`single`/`singleOrDefault` over merged rows: reads at most two rows,
 * then stops (closing `rows`). The `OrDefault` variants return null when there is no row.
 *
 * @example
 * await takeElement(mergeOrdered(run.streams, plan.source), 'first');
 */
export async function takeElement(rows: AsyncIterable<MergeRow>, op: ElementMergePlan['op']): Promise<MergeRow | null> {
  const single = op === 'single' || op === 'singleOrDefault';
  let found: MergeRow | undefined;
  let seen = 0;
  for await (const row of rows) {
    if (++seen === 1) {
      found = row;
      if (!single) break;
    } else {
      throw moreThanOne(op);
    }
  }
  return elementOrDefault(found, op);
}

/**
 * `takeElement` over rows already read (a single shard's small result).
 *
 * @example
 * takeElementNow(rows, 'firstOrDefault');
 */
export function takeElementNow(rows: readonly MergeRow[], op: ElementMergePlan['op']): MergeRow | null {
  if (rows.length > 1 && (op === 'single' || op === 'singleOrDefault')) throw moreThanOne(op);
  return elementOrDefault(rows[0], op);
}

function moreThanOne(op: ElementMergePlan['op']): DtdeInvalidOperationError {
  return new DtdeInvalidOperationError(
    'Sequence contains more than one element: single() needs exactly one matching row. Use first() to take the first.',
    { operation: op },
  );
}

function elementOrDefault(found: MergeRow | undefined, op: ElementMergePlan['op']): MergeRow | null {
  if (found !== undefined) return found;
  if (op === 'firstOrDefault' || op === 'singleOrDefault') return null;
  throw new DtdeInvalidOperationError(
    `Sequence contains no elements: ${op}() found no matching row. Use ${op}OrDefault() to get null instead.`,
    { operation: op },
  );
}
