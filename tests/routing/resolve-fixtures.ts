// Plain-object fixtures for shard resolution tests: no ModelBuilder, so these tests pin the
// resolver to the model contract (src/metadata/model.ts) alone.
import { parseLambda } from '../../src/linq/parse/parse-lambda.js';
import type { BoundLambda, QueryExpression, QueryOperator, QueryParams } from '../../src/linq/expression/query-expression.js';
import {
  DEFAULT_SHARD_GROUP,
  type ColumnType,
  type EntityModel,
  type PropertyModel,
  type ShardingModel,
  type ShardLayout,
  type ShardModel,
} from '../../src/metadata/model.js';

export class Row {
  id!: number;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface EntityFixture {
  readonly name?: string;
  /** name → column type kind (and `?` suffix for nullable: `'string?'`). */
  readonly properties: Readonly<Record<string, string>>;
  readonly sharding: (DistributiveOmit<ShardingModel, 'storageMode' | 'tablePattern' | 'shardGroup'> & { shardGroup?: string }) | null;
}

export function entityModel(f: EntityFixture): EntityModel {
  const properties: PropertyModel[] = Object.entries(f.properties).map(([name, spec]) => {
    const nullable = spec.endsWith('?');
    const kind = spec.replace('?', '');
    const type = (kind === 'decimal' ? { kind, precision: 18, scale: 2 } : { kind }) as ColumnType;
    return { name, column: name, type, nullable, generated: false };
  });
  const sharding: ShardingModel | null =
    f.sharding === null
      ? null
      : ({
          storageMode: f.sharding.strategy === 'manual' ? 'manual' : 'tables',
          tablePattern: '{Table}_{ShardId}',
          shardGroup: DEFAULT_SHARD_GROUP,
          ...f.sharding,
        } as ShardingModel);
  return {
    name: f.name ?? 'Row',
    entity: Row,
    table: { name: f.name ? `${f.name}s` : 'Rows' },
    properties,
    propertyByName: new Map(properties.map((p) => [p.name, p])),
    key: ['id'],
    sharding,
    temporal: null,
  };
}

export function shard(id: string, group: string = DEFAULT_SHARD_GROUP): ShardModel {
  return {
    id,
    group,
    qualifiedId: group === DEFAULT_SHARD_GROUP ? id : `${group}::${id}`,
    placement: 'table',
    connection: null,
    readOnly: false,
  };
}

/** `layout({ default: ['EU', 'US'], years: ['2024'] })` */
export function layout(groups: Readonly<Record<string, readonly string[]>>): ShardLayout {
  return { groups: new Map(Object.entries(groups).map(([g, ids]) => [g, ids.map((id) => shard(id, g))])) };
}

/** A where predicate from a real lambda. */
export function bound(fn: Function, params: QueryParams = {}): BoundLambda {
  return { lambda: parseLambda(fn), params };
}

export function query(...operators: QueryOperator[]): QueryExpression {
  return { kind: 'query', source: { kind: 'entity', entity: Row, name: 'Row' }, operators };
}

export function where(fn: Function, params: QueryParams = {}): QueryOperator {
  return { kind: 'where', predicate: bound(fn, params) };
}

export const ids = (shards: readonly ShardModel[]): string[] => shards.map((s) => s.qualifiedId);
