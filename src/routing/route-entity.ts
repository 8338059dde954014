import { DtdeRoutingError } from '../errors/dtde-routing-error.js';
import { shardKeyOf, type KeyDomain } from './extract-shard-key-constraint.js';
import { constraintContains, type KeyValue } from './shard-key-constraint.js';
import { dateShardRanges } from './strategies/date-strategy.js';
import { checkHashGroup } from './strategies/hash-strategy.js';
import { manualTableConstraints } from './strategies/manual-strategy.js';
import { valueShardId, valueShardMatches } from './strategies/value-strategy.js';
import { formatDateShardId } from '../metadata/date-shard-id.js';
import type { EntityModel, ShardLayout, ShardModel } from '../metadata/model.js';
import { entityShards } from '../metadata/shard-targets.js';
import { hashBucket } from './stable-hash.js';

/**
 * The one shard a row of `entity` is written to, by the entity's strategy:
 * - unsharded: its single (synthetic) shard;
 * - `shardBy`: the shard whose id is `valueShardId(key)` (case-insensitively if so configured);
 * - `shardByDate`: the shard whose id is `formatDateShardId(key, interval)` (`2024Q2`, ...);
 * - `shardByHash`: the `stableHash(key) % shardCount`-th shard of the group;
 * - manual: the one table whose predicate admits the row (checked by interval containment on the
 *   properties the predicate reads; a row admitted by several tables is refused as ambiguous).
 *
 * Throws `DtdeRoutingError` naming the entity, the key value and the shards that exist when no
 * shard (or more than one manual table) fits, or the key is null or of the wrong type.
 *
 * @example
 * routeEntity(customerModel, layout, { id: 1, region: 'EU' }).qualifiedId // 'EU'
 */
export function routeEntity(entity: EntityModel, layout: ShardLayout, row: object): ShardModel {
  const shards = entityShards(entity, layout);
  const sharding = entity.sharding;
  if (sharding === null) return shards[0];
  const values = row as Record<string, unknown>;
  const fail = (keyValue: unknown, problem: string, fix: string): DtdeRoutingError =>
    new DtdeRoutingError(
      `Cannot route ${entity.name} with ${problem}; shards that exist: ${shards.map((s) => s.qualifiedId).join(', ') || 'none'}. ${fix}`,
      { entity: entity.name, keyValue, availableShards: shards.map((s) => s.qualifiedId) },
    );

  if (sharding.strategy === 'manual') {
    const fits = shards.filter((_, i) =>
      [...manualTableConstraints(entity, sharding.tables[i])].every(([property, c]) => constraintContains(c, keyValueOf(values[property]))),
    );
    if (fits.length === 1) return fits[0];
    const shown = describeRow(
      values,
      sharding.tables.flatMap((t) => [...manualTableConstraints(entity, t).keys()]),
    );
    throw fits.length === 0
      ? fail(
          shown,
          `${shownText(shown)}: no manual table's predicate admits it`,
          'Add a table for these values with addTable(...), or fix the row.',
        )
      : fail(
          shown,
          `${shownText(shown)}: the predicates of ${fits.map((s) => s.qualifiedId).join(' and ')} all admit it`,
          "Make the manual tables' predicates disjoint.",
        );
  }

  const key = values[sharding.property];
  const keyText = `${sharding.property} = ${show(key)}`;
  const domain = shardKeyOf(entity, sharding.property)?.domain; // undefined: not in the model, the resolver never prunes it
  const wrongType = `Set ${entity.name}.${sharding.property} to a ${domain} value, as its column type says.`;
  if (key === null || key === undefined) {
    throw fail(key, `${keyText}`, `Set ${entity.name}.${sharding.property} before saving: the shard key decides where the row lives.`);
  }
  switch (sharding.strategy) {
    case 'value': {
      const kv = keyValueOf(key);
      // The resolver assumes shard 'x' holds exactly the key of the column's type whose text is 'x'.
      if (kv === null || !matchesDomain(kv, domain)) throw fail(key, `${keyText}, which is not a ${domain} value`, wrongType);
      const found = shards.find((s) => valueShardMatches(s.id, valueShardId(kv), sharding.caseSensitive));
      if (found) return found;
      const wanted = valueShardId(kv);
      // A shard that differs only in case is the likely intent: say so rather than suggest a new shard.
      const nearly = shards.find((s) => s.id.toLowerCase() === wanted.toLowerCase());
      const fix = nearly
        ? `The shard '${nearly.id}' differs only in case: fix the row's value, or configure shardBy(..., { caseSensitive: false }).`
        : `Add a shard '${wanted}' to the shard layout, or fix the row.`;
      throw fail(key, keyText, fix);
    }
    case 'date': {
      if (!(key instanceof Date) || Number.isNaN(key.getTime())) {
        throw fail(key, `${keyText}, which is not a valid Date`, `Set ${entity.name}.${sharding.property} to a Date.`);
      }
      dateShardRanges(shards, sharding.interval, entity.name); // refuse a layout with non-date ids first
      const id = formatDateShardId(key, sharding.interval);
      const found = shards.find((s) => s.id === id);
      if (found) return found;
      throw fail(
        key,
        `${keyText}: its ${sharding.interval} shard '${id}' does not exist`,
        `Add shard '${id}' to group '${sharding.shardGroup}'.`,
      );
    }
    case 'hash': {
      checkHashGroup(shards, sharding.shardCount, entity.name);
      const kv = keyValueOf(key);
      if (kv === null || !matchesDomain(kv, domain)) throw fail(key, `${keyText}, which is not a ${domain} value`, wrongType);
      const uuid = entity.propertyByName.get(sharding.property)?.type.kind === 'uuid';
      let bucket: number;
      try {
        bucket = hashBucket(key, sharding.shardCount, { uuid });
      } catch (cause) {
        throw new DtdeRoutingError(`Cannot route ${entity.name} with ${keyText}: ${(cause as Error).message}`, {
          entity: entity.name,
          keyValue: key,
          availableShards: shards.map((s) => s.qualifiedId),
          cause,
        });
      }
      return shards[bucket];
    }
  }
}

function matchesDomain(v: KeyValue, domain: KeyDomain | undefined): boolean {
  switch (domain) {
    case undefined:
      return true;
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'boolean':
      return typeof v === 'boolean';
    case 'date':
      return v instanceof Date;
  }
}

function keyValueOf(v: unknown): KeyValue | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  return typeof v === 'string' || typeof v === 'bigint' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v)) ? v : null;
}

function describeRow(values: Record<string, unknown>, properties: readonly string[]): Record<string, unknown> {
  return Object.fromEntries([...new Set(properties)].map((p) => [p, values[p]]));
}

function shownText(shown: Record<string, unknown>): string {
  return (
    Object.entries(shown)
      .map(([p, v]) => `${p} = ${show(v)}`)
      .join(', ') || 'no readable key'
  );
}

function show(v: unknown): string {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v === 'bigint' ? `${v}n` : String(v);
}
