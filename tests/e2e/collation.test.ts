import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeConfigurationError, DtdeContext, type DtdeProvider, type ModelBuilder, type Queryable, sqlite } from '../../src/index.js';
import { stringCollation, type StringCollation } from '../../src/linq/evaluate/string-collation.js';
import { postgres } from '../../src/providers/postgres/postgres-provider.js';
import { createDatabases, dropDatabases, freshDatabaseName, postgresServers, withDatabase } from '../support/postgres-servers.js';
import { Oracle } from './support/oracle.js';

// A string column declared case-insensitive (`.collation(...)`) must give, across shards, the
// answers one table of the same engine gives: the merge orders, pages, de-duplicates, groups and
// takes min/max under the column's collation, and the in-memory evaluator with that collation
// agrees. Run on SQLite (NOCASE) and on PostgreSQL (ICU und-u-ks-level2, nondeterministic).

/** Sharded by region into three table shards. */
class Person {
  id!: number;
  region!: string;
  name!: string;
  nick!: string | null;
}

/** The same rows in one unsharded table: the engine's own answer, with no merge. */
class PersonAll {
  id!: number;
  region!: string;
  name!: string;
  nick!: string | null;
}

const REGIONS = ['eu', 'us', 'ap'];
const NAMES = ['bob', 'Bob', 'BOB', 'alice', 'Alice', 'émile', 'Émile', 'emile', 'Zoe', 'zoe', 'zed', 'Yann', 'anna', 'Anna', 'ANNA'];

function people(): Person[] {
  const rows: Person[] = [];
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let id = 1; id <= 90; id++) {
    rows.push({ id, region: REGIONS[next(3)], name: NAMES[next(NAMES.length)], nick: next(4) === 0 ? null : NAMES[next(NAMES.length)] });
  }
  return rows;
}

function contextFor(collation: string) {
  return class PeopleContext extends DtdeContext {
    protected override onModelCreating(mb: ModelBuilder): void {
      for (const entity of [Person, PersonAll] as const) {
        mb.entity(entity, (e) => {
          e.toTable(entity === Person ? 'People' : 'PeopleAll');
          e.key((p) => p.id);
          e.property((p) => p.id).int();
          e.property((p) => p.region).string(4);
          e.property((p) => p.name)
            .string(40)
            .collation(collation);
          e.property((p) => p.nick)
            .string(40)
            .collation(collation)
            .nullable();
          if (entity === Person) e.shardBy((p) => p.region).withStorageMode('tables');
        });
      }
    }
  };
}

interface Engine {
  readonly name: string;
  readonly collation: string;
  open(): Promise<{ provider: DtdeProvider; dispose(): Promise<void> }>;
}

const ENGINES: readonly Engine[] = [
  {
    name: 'SQLite',
    collation: 'NOCASE',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'dtde-collation-'));
      return { provider: sqlite({ file: join(dir, 'people.db') }), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    collation: 'und-u-ks-level2',
    async open() {
      const { main } = postgresServers();
      const database = freshDatabaseName('collation');
      await createDatabases(main, [database]);
      return { provider: postgres({ url: withDatabase(main, database) }), dispose: () => dropDatabases(main, [database]) };
    },
  },
];

describe.each(ENGINES)('a case-insensitive string column on $name ($collation)', (engine) => {
  const rows = people();
  const collation = stringCollation(engine.collation) as StringCollation;
  const oracle = new Oracle(
    [
      [Person, rows],
      [PersonAll, rows],
    ],
    { collation },
  );
  let ctx: DtdeContext;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const opened = await engine.open();
    dispose = opened.dispose;
    const Context = contextFor(engine.collation);
    ctx = new Context({ provider: opened.provider, shards: (s) => s.addShards(...REGIONS) });
    await ctx.ensureCreated();
    await ctx.bulkInsert(Person, rows);
    await ctx.bulkInsert(
      PersonAll,
      rows.map((r) => Object.assign(new PersonAll(), r)),
    );
  });
  afterAll(async () => {
    await ctx?.close();
    await dispose?.();
  });

  /** The same query three ways: across the shards, on one table of the engine, and in memory. */
  async function threeWays<R>(build: (q: Queryable<Person>) => Promise<R>): Promise<{ sharded: R; oneTable: R; evaluator: R }> {
    const sharded = await build(ctx.set(Person));
    const oneTable = await build(ctx.set(PersonAll) as unknown as Queryable<Person>);
    const evaluator = await build(oracle.root(Person));
    return { sharded, oneTable, evaluator };
  }

  const fold = (s: string | null) => (s === null ? null : collation.key(s));
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

  it('orders and pages across shards as one table does (ties by key), and not in code-point order', async () => {
    for (const [skip, take] of [
      [0, 10],
      [5, 7],
      [30, 25],
      [80, 20],
    ]) {
      const { sharded, oneTable, evaluator } = await threeWays((q) =>
        q
          .orderBy((p) => p.name)
          .skip(skip)
          .take(take)
          .select((p) => p.id)
          .toArray(),
      );
      expect(sharded, `skip ${skip} take ${take}`).toEqual(oneTable);
      expect(evaluator).toEqual(oneTable);
    }
    const desc = await threeWays((q) =>
      q
        .orderByDescending((p) => p.nick)
        .thenBy((p) => p.name)
        .select((p) => ({ id: p.id, nick: p.nick }))
        .toArray(),
    );
    expect(desc.sharded).toEqual(desc.oneTable);
    expect(desc.evaluator).toEqual(desc.oneTable);
    // The test can fail: by code point, 'Zoe' would come before 'alice'.
    const ids = await ctx
      .set(Person)
      .orderBy((p) => p.name)
      .select((p) => p.name)
      .toArray();
    expect(ids.indexOf('Zoe')).toBeGreaterThan(ids.findIndex((n) => n.toLowerCase() === 'alice'));
  });

  it('equality and startsWith ignore case on the engine and in the evaluator', async () => {
    const eq = await threeWays((q) =>
      q
        .where((p) => p.name === 'bob')
        .orderBy((p) => p.id)
        .select((p) => p.id)
        .toArray(),
    );
    expect(eq.sharded).toEqual(eq.oneTable);
    expect(eq.evaluator).toEqual(eq.oneTable);
    expect(eq.sharded.length).toBe(rows.filter((r) => r.name.toLowerCase() === 'bob').length);
    const starts = await threeWays((q) =>
      q
        .where((p) => p.name.startsWith('AN'))
        .orderBy((p) => p.id)
        .select((p) => p.id)
        .toArray(),
    );
    expect(starts.sharded).toEqual(starts.oneTable);
    expect(starts.evaluator).toEqual(starts.oneTable);
    expect(starts.sharded.length).toBe(rows.filter((r) => r.name.toLowerCase().startsWith('an')).length);
  });

  it('distinct keeps one spelling per case-insensitive value, ordered or not', async () => {
    const unordered = await threeWays((q) =>
      q
        .select((p) => p.name)
        .distinct()
        .toArray(),
    );
    const folded = (names: readonly string[]) => names.map(fold).sort();
    expect(folded(unordered.sharded)).toEqual(folded(unordered.oneTable));
    expect(folded(unordered.evaluator)).toEqual(folded(unordered.oneTable));
    expect(new Set(folded(unordered.sharded)).size).toBe(unordered.sharded.length);

    const paged = await threeWays((q) =>
      q
        .select((p) => p.name)
        .distinct()
        .orderBy((n) => n)
        .skip(1)
        .take(4)
        .toArray(),
    );
    expect(paged.sharded.map(fold)).toEqual(paged.oneTable.map(fold));
    expect(paged.evaluator.map(fold)).toEqual(paged.oneTable.map(fold));
    expect(paged.sharded).toHaveLength(4);
  });

  it('group keys meet across shards: one group per case-insensitive name, with its count, min and max', async () => {
    const groups = await threeWays((q) =>
      q
        .groupBy((p) => p.name)
        .select((g) => ({ key: g.key, n: g.count(), first: g.min((p) => p.nick), last: g.max((p) => p.nick) }))
        .toArray(),
    );
    const normal = (gs: readonly { key: string; n: number; first: string | null; last: string | null }[]) =>
      gs.map((g) => ({ key: fold(g.key), n: g.n, first: fold(g.first), last: fold(g.last) })).sort((a, b) => (a.key! < b.key! ? -1 : 1));
    expect(normal(plain(groups.sharded))).toEqual(normal(plain(groups.oneTable)));
    expect(normal(plain(groups.evaluator))).toEqual(normal(plain(groups.oneTable)));
    expect(groups.sharded.length).toBe(new Set(rows.map((r) => fold(r.name))).size);

    const ordered = await threeWays((q) =>
      q
        .groupBy((p) => p.name)
        .select((g) => ({ key: g.key, n: g.count() }))
        .orderByDescending((g) => g.key)
        .take(3)
        .toArray(),
    );
    expect(ordered.sharded.map((g) => [fold(g.key), g.n])).toEqual(ordered.oneTable.map((g) => [fold(g.key), g.n]));
    expect(ordered.evaluator.map((g) => [fold(g.key), g.n])).toEqual(ordered.oneTable.map((g) => [fold(g.key), g.n]));
  });

  it('min and max over all shards compare under the collation', async () => {
    for (const op of ['min', 'max'] as const) {
      const { sharded, oneTable, evaluator } = await threeWays((q) => (op === 'min' ? q.min((p) => p.name) : q.max((p) => p.name)));
      expect(fold(sharded), op).toBe(fold(oneTable));
      expect(fold(evaluator), op).toBe(fold(oneTable));
    }
    // Shards whose own maxima are in another order by code point: 'Yann' in one shard, 'emile' (one
    // spelling only, as accents count) in the others.
    const at = rows.find((r) => r.name === 'Yann')!.region;
    expect(rows.some((r) => r.region !== at && r.name === 'emile')).toBe(true);
    const mixed = await threeWays((q) =>
      q.where((p, x) => (p.region === x.at && p.name === 'yann') || (p.region !== x.at && p.name === 'emile'), { at }).max((p) => p.name),
    );
    expect(fold(mixed.sharded)).toBe(fold('Yann'));
    expect(fold(mixed.oneTable)).toBe(fold('Yann'));
    expect(fold(mixed.evaluator)).toBe(fold('Yann'));
    // The answer is the collation's maximum of the names, whichever spelling a shard kept.
    const names = rows.map((r) => r.name);
    const max = names.reduce((a, b) => (collation.compare(a, b) >= 0 ? a : b));
    expect(fold(await ctx.set(Person).max((p) => p.name))).toBe(fold(max));
  });
});

describe('declaring a collation', () => {
  it('an engine that lacks the declared collation refuses it before the first statement', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtde-collation-'));
    const Context = contextFor('und-u-ks-level2');
    const ctx = new Context({ provider: sqlite({ file: join(dir, 'x.db') }), shards: (s) => s.addShards(...REGIONS) });
    try {
      const error = await ctx.ensureCreated().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DtdeConfigurationError);
      expect((error as Error).message).toMatch(
        /Person\.name\.collation: 'und-u-ks-level2' is not a collation of sqlite.*default \('BINARY'\)/,
      );
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
