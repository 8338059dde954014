import { DtdeConfigurationError } from '../../errors/dtde-configuration-error.js';
import { parseDateShardId, type DateShardRange } from '../../metadata/date-shard-id.js';
import type { DateInterval, ShardModel } from '../../metadata/model.js';
import { constraintsOverlap, intervalsConstraint, type ShardKeyConstraint } from '../shard-key-constraint.js';

/**
 * The shards of a date strategy whose half-open UTC interval `[start, end)` can hold a key allowed
 * by `constraint`, in layout order. Every shard id must be an id of `interval` (`2024`, `2024Q2`,
 * `2024-06`, `2024-06-15`); the others are named in a `DtdeConfigurationError`.
 *
 * @example
 * selectDateShards(rangeConstraint('>=', new Date('2025-03-01T00:00Z')), yearShards, 'year', 'Order') // [2025, ...]
 */
export function selectDateShards(
  constraint: ShardKeyConstraint,
  shards: readonly ShardModel[],
  interval: DateInterval,
  entityName: string,
): ShardModel[] {
  const ranges = dateShardRanges(shards, interval, entityName);
  if (constraint.kind === 'unknown') return [...shards];
  return shards.filter((_, i) => constraintsOverlap(constraint, rangeConstraintOf(ranges[i])));
}

/** The interval of each shard, in order; throws naming every id that is not of `interval`'s format. */
export function dateShardRanges(shards: readonly ShardModel[], interval: DateInterval, entityName: string): DateShardRange[] {
  const ranges: DateShardRange[] = [];
  const bad: string[] = [];
  for (const s of shards) {
    const r = parseDateShardId(s.id, interval);
    if (r === null) bad.push(s.qualifiedId);
    else ranges.push(r);
  }
  if (bad.length > 0) {
    throw new DtdeConfigurationError(
      `${entityName} is sharded by date per ${interval}, but shard id(s) ${bad.map((b) => `'${b}'`).join(', ')} ` +
        `are not ${interval} ids (expected ${EXAMPLES[interval]}). Rename the shards, or give ${entityName} ` +
        'its own shard group with useShardGroup(...).',
      { path: `${entityName}.shardByDate` },
    );
  }
  return ranges;
}

const EXAMPLES: Record<DateInterval, string> = {
  year: "'2024'",
  quarter: "'2024Q2'",
  month: "'2024-06'",
  day: "'2024-06-15'",
};

function rangeConstraintOf(r: DateShardRange): ShardKeyConstraint {
  return intervalsConstraint([{ lower: { value: r.start, inclusive: true }, upper: { value: r.end, inclusive: false } }]);
}
