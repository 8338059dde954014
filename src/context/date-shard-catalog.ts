import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import { formatDateShardId, parseDateShardId } from '../metadata/date-shard-id.js';
import type { ConnectionRef, EntityModel, Model, ShardLayout, ShardModel } from '../metadata/model.js';
import { DEFAULT_SHARD_GROUP } from '../metadata/model.js';
import { shardTargets } from '../metadata/shard-targets.js';
import type { DtdeProvider } from '../providers/provider.js';
import { createTableStatement } from '../schema/create-table-statement.js';

/**
 * Date shards created on demand (`autoCreate()`) and dropped for retention, per database and shard
 * group, for the whole process: every context over the same database sees the same set.
 */
const registry = new Map<string, { readonly created: Set<string>; readonly dropped: Set<string> }>();
let version = 0;

function entryOf(key: string): { readonly created: Set<string>; readonly dropped: Set<string> } {
  let entry = registry.get(key);
  if (entry === undefined) registry.set(key, (entry = { created: new Set(), dropped: new Set() }));
  return entry;
}

/**
 * The shard layout a context works with: the declared shards, plus the date shards created on
 * demand (here or, once found, by other processes), minus the date shards dropped for retention.
 * A new layout object whenever that set changes, so plans and targets cached per layout follow.
 */
export class DateShardCatalog {
  readonly #declared: ShardLayout;
  readonly #database: () => string;
  #layout: { readonly version: number; readonly layout: ShardLayout } | null = null;
  #discovered: Promise<void> | null = null;

  /** `database` names the context's own database (`provider.databaseId(null)`). */
  constructor(declared: ShardLayout, database: () => string) {
    this.#declared = declared;
    this.#database = database;
  }

  get layout(): ShardLayout {
    if (registry.size === 0) return this.#declared;
    if (this.#layout?.version !== version) this.#layout = { version, layout: this.#derive() };
    return this.#layout.layout;
  }

  /**
   * Creates the tables of the date shards `rows` need that do not exist yet (for entities with
   * `autoCreate()`), then registers them. `CREATE TABLE` is idempotent, so concurrent creators,
   * also in other processes, create a table once and all proceed.
   */
  async ensureShardsFor(entity: EntityModel, rows: readonly object[], provider: DtdeProvider, maxIdentifierLength: number): Promise<void> {
    const sharding = entity.sharding;
    if (sharding?.strategy !== 'date' || !sharding.autoCreate) return;
    const have = new Set((this.layout.groups.get(sharding.shardGroup) ?? []).map((s) => s.id));
    const wanted = new Set<string>();
    for (const row of rows) {
      const value = (row as Record<string, unknown>)[sharding.property];
      if (value instanceof Date && !Number.isNaN(value.getTime())) {
        const id = formatDateShardId(value, sharding.interval);
        if (!have.has(id)) wanted.add(id);
      }
    }
    if (wanted.size === 0) return;
    const entry = entryOf(this.#key(sharding.shardGroup));
    for (const id of [...wanted].sort()) {
      const trial = layoutWith(this.layout, sharding.shardGroup, [id]);
      const target = shardTargets(entity, trial, { maxIdentifierLength }).find((t) => t.shard.id === id)!;
      const create = provider.dialect.renderCreateTable(createTableStatement(entity, target.table));
      try {
        await provider.driver.execute(target.connection, create.sql, create.parameters);
      } catch (error) {
        // PostgreSQL's IF NOT EXISTS can still fail when another process creates the table at the
        // same moment; then the table is there, which is all this needs.
        if (!(await tableExists(provider, target.connection, target.table.name))) throw error;
      }
      entry.created.add(id);
      entry.dropped.delete(id);
      version++;
    }
  }

  /**
   * Registers the date shards whose tables exist in the context's database although this process
   * did not create them (another process did), for every `autoCreate()` entity. Once per catalog.
   */
  discover(model: Model, provider: DtdeProvider): Promise<void> {
    this.#discovered ??= this.#discover(model, provider).catch((error: unknown) => {
      this.#discovered = null;
      throw error;
    });
    return this.#discovered;
  }

  async #discover(model: Model, provider: DtdeProvider): Promise<void> {
    const entities = [...model.entities.values()].filter((e) => e.sharding?.strategy === 'date' && e.sharding.autoCreate);
    if (entities.length === 0) return;
    const list = provider.dialect.renderTableNames();
    const names: string[] = [];
    for await (const row of provider.driver.query(null, list.sql, list.parameters)) names.push(String(row.name));
    for (const entity of entities) {
      const sharding = entity.sharding;
      if (sharding?.strategy !== 'date') continue;
      const [before, after] = sharding.tablePattern.replace('{Table}', entity.table.name).split('{ShardId}');
      const entry = entryOf(this.#key(sharding.shardGroup));
      for (const name of names) {
        if (!name.startsWith(before) || !name.endsWith(after) || name.length <= before.length + after.length) continue;
        const id = shardIdOfSuffix(name.slice(before.length, name.length - after.length), sharding.interval);
        if (id !== null && !entry.dropped.has(id) && !entry.created.has(id)) {
          entry.created.add(id);
          version++;
        }
      }
    }
  }

  /**
   * Drops the date shards of `entity` that hold only rows before `date` (their interval ends at or
   * before it), with their tables and data, and removes them from the layout of every context of
   * the process. A shard whose interval straddles `date` is an error before anything is dropped.
   * Returns the ids of the dropped shards.
   */
  async dropBefore(entity: EntityModel, date: Date, provider: DtdeProvider, maxIdentifierLength: number): Promise<string[]> {
    const sharding = entity.sharding;
    if (sharding?.strategy !== 'date') {
      throw new DtdeConfigurationError(`dropShardsBefore: ${entity.name} is not sharded by date, so it has no shards to drop by date.`, {
        path: `${entity.name}.shardByDate`,
      });
    }
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new DtdeInvalidOperationError(`dropShardsBefore: expected a valid Date, got ${String(date)}.`, {
        operation: 'dropShardsBefore',
      });
    }
    const targets = shardTargets(entity, this.layout, { maxIdentifierLength });
    const doomed = [];
    for (const target of targets) {
      const range = parseDateShardId(target.shard.id, sharding.interval);
      if (range === null) continue;
      if (range.end.getTime() <= date.getTime()) doomed.push(target);
      else if (range.start.getTime() < date.getTime()) {
        throw new DtdeInvalidOperationError(
          `dropShardsBefore(${entity.name}, ${date.toISOString()}): shard '${target.shard.qualifiedId}' holds [${range.start.toISOString()}, ${range.end.toISOString()}), ` +
            `which straddles that instant, so dropping it would also delete newer rows. Nothing was dropped; pass a ${sharding.interval} boundary such as ${range.start.toISOString()} or ${range.end.toISOString()}.`,
          { operation: 'dropShardsBefore' },
        );
      }
    }
    const entry = entryOf(this.#key(sharding.shardGroup));
    for (const target of doomed) {
      const drop = provider.dialect.renderDropTable({ kind: 'dropTable', table: target.table });
      await provider.driver.execute(target.connection, drop.sql, drop.parameters);
      entry.created.delete(target.shard.id);
      entry.dropped.add(target.shard.id);
      version++;
    }
    return doomed.map((t) => t.shard.qualifiedId);
  }

  #key(group: string): string {
    return `${this.#database()}\u0000${group}`;
  }

  #derive(): ShardLayout {
    let layout = this.#declared;
    for (const group of this.#declared.groups.keys()) {
      const entry = registry.get(this.#key(group));
      if (entry === undefined) continue;
      const kept = (layout.groups.get(group) ?? []).filter((s) => !entry.dropped.has(s.id));
      const trimmed: ShardLayout = { groups: new Map(layout.groups).set(group, kept) };
      layout = layoutWith(trimmed, group, [...entry.created].sort());
    }
    return layout;
  }
}

/** `layout` with table shards `ids` added to `group` where they are missing (in the context's database). */
function layoutWith(layout: ShardLayout, group: string, ids: readonly string[]): ShardLayout {
  const shards = layout.groups.get(group) ?? [];
  const known = new Set(shards.map((s) => s.id));
  const added = ids
    .filter((id) => !known.has(id))
    .map(
      (id): ShardModel =>
        Object.freeze({
          id,
          group,
          qualifiedId: group === DEFAULT_SHARD_GROUP ? id : `${group}::${id}`,
          placement: 'table',
          connection: null,
          readOnly: false,
        }),
    );
  if (added.length === 0 && layout.groups.has(group)) return layout;
  return { groups: new Map(layout.groups).set(group, [...shards, ...added]) };
}

/** The date shard id a table-name suffix stands for (`202406` → `2024-06`), or null. */
function shardIdOfSuffix(suffix: string, interval: 'day' | 'month' | 'quarter' | 'year'): string | null {
  const id =
    interval === 'month' && /^\d{6}$/.test(suffix)
      ? `${suffix.slice(0, 4)}-${suffix.slice(4)}`
      : interval === 'day' && /^\d{8}$/.test(suffix)
        ? `${suffix.slice(0, 4)}-${suffix.slice(4, 6)}-${suffix.slice(6)}`
        : suffix;
  return parseDateShardId(id, interval) === null ? null : id;
}

async function tableExists(provider: DtdeProvider, connection: ConnectionRef | null, name: string): Promise<boolean> {
  const list = provider.dialect.renderTableNames();
  for await (const row of provider.driver.query(connection, list.sql, list.parameters)) {
    if (String(row.name).toLowerCase() === name.toLowerCase()) return true;
  }
  return false;
}
