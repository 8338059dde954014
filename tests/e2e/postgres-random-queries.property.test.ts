import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ShardsBuilder } from '../../src/index.js';
import { postgres } from '../../src/providers/postgres/postgres-provider.js';
import { createDatabases, dropDatabases, freshDatabaseName, postgresServers, withDatabase } from '../support/postgres-servers.js';
import { expectSameAnswer, Oracle, settle } from './support/oracle.js';
import { type RandomCase, randomCaseArb, runQuery } from './support/random-case.js';
import { HASH_BUCKETS, Item, randomContextClass, REGIONS, type RandomLayout, YEARS } from './support/random-model.js';

// The random-query property test of SQLite, on PostgreSQL: random shard layouts (value, date and
// hash sharding; table, database and mixed storage), random rows and random queries. Every answer
// from the PostgreSQL shards must equal the in-memory evaluator's over the same rows, in order
// where the query is totally ordered, and errors must be of the same class.
//
// Each SQLite "file" of a layout is a PostgreSQL database, made once for the whole run and
// spread over the two servers; a case creates its tables, loads, asks, and drops its tables.
// DTDE_PG_PROPERTY_RUNS sets the number of cases (default 150); DTDE_PROPERTY_SEED and
// DTDE_PROPERTY_PATH replay one.

const runs = Number(process.env.DTDE_PG_PROPERTY_RUNS ?? 150);
const seed = process.env.DTDE_PROPERTY_SEED === undefined ? undefined : Number(process.env.DTDE_PROPERTY_SEED);
const path = process.env.DTDE_PROPERTY_PATH;

/** The file names layouts use: `<shard id>.db` in database mode, a.db / b.db for tables elsewhere. */
const FILES = [...REGIONS, ...YEARS.map(String), ...HASH_BUCKETS, 'a', 'b'].map((n) => `${n}.db`);

interface Place {
  readonly admin: string;
  readonly name: string;
  readonly url: string;
}

let main: Place;
const places = new Map<string, Place>();

beforeAll(async () => {
  const servers = postgresServers();
  const make = (admin: string, tag: string): Place => {
    const name = freshDatabaseName(tag);
    return { admin, name, url: withDatabase(admin, name) };
  };
  main = make(servers.main, 'rq');
  for (const [i, file] of FILES.entries())
    places.set(file, make(i % 2 === 0 ? servers.second : servers.main, `rq${file.replace('.db', '')}`));
  await createDatabases(servers.main, [main.name, ...[...places.values()].filter((p) => p.admin === servers.main).map((p) => p.name)]);
  await createDatabases(
    servers.second,
    [...places.values()].filter((p) => p.admin === servers.second).map((p) => p.name),
  );
});
afterAll(async () => {
  for (const client of admins.values()) await client.end().catch(() => undefined);
  for (const p of [main, ...places.values()]) if (p !== undefined) await dropDatabases(p.admin, [p.name]);
});

/** The layout's shards, each in the own database or in the database standing for its file. */
function declareShards(layout: RandomLayout): (s: ShardsBuilder) => ShardsBuilder {
  return (s) => {
    layout.shardIds.forEach((id, i) => {
      const file = layout.files[i];
      if (file === null) s.addShard(id);
      else if (layout.mode === 'databases') s.addShard(id, { url: places.get(file)!.url });
      else s.addTableShardInDatabase(id, { url: places.get(file)!.url });
    });
    return s;
  };
}

/** One admin connection per database of the run, kept open: a case's cleanup costs no logins. */
const admins = new Map<string, pg.Client>();

async function admin(p: Place): Promise<pg.Client> {
  let client = admins.get(p.url);
  if (client === undefined) {
    client = new pg.Client({ connectionString: p.url });
    client.on('error', () => undefined);
    await client.connect();
    admins.set(p.url, client);
  }
  return client;
}

/** Drops the tables of the case's databases: the next case starts empty. */
async function dropTables(layout: RandomLayout): Promise<void> {
  const used = [main, ...layout.files.filter((f): f is string => f !== null).map((f) => places.get(f)!)];
  for (const p of new Set(used)) {
    const client = await admin(p);
    const { rows } = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    if (rows.length > 0) await client.query(`DROP TABLE ${rows.map((r) => `"${r.tablename}"`).join(', ')}`);
  }
}

async function checkOnPostgres(c: RandomCase): Promise<void> {
  const Context = randomContextClass(c.layout);
  const ctx = new Context({ provider: postgres({ url: main.url, pool: { max: 6 } }), shards: declareShards(c.layout) });
  try {
    await ctx.ensureCreated();
    if (c.rows.length > 0) await ctx.bulkInsert(Item, c.rows);
    const oracle = new Oracle([[Item, c.rows]]);
    const expected = await settle(() => runQuery(oracle.root(Item), c.query, c.params));
    const actual = await settle(() => runQuery(ctx.set(Item), c.query, c.params));
    expectSameAnswer(actual, expected, c.query.ordered);
  } finally {
    await ctx.close();
    await dropTables(c.layout);
  }
}

describe('random queries over random shard layouts on PostgreSQL', () => {
  it(`agree with the in-memory evaluator (${runs} cases)`, { timeout: 0 }, async () => {
    await fc.assert(
      fc.asyncProperty(randomCaseArb, (c) => checkOnPostgres(c)),
      { numRuns: runs, seed, path, endOnFailure: false },
    );
  });
});
