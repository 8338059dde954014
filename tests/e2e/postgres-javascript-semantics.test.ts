import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeContext, type ModelBuilder, type Queryable } from '../../src/index.js';
import { postgres } from '../../src/providers/postgres/postgres-provider.js';
import {
  createDatabases,
  dropDatabases,
  freshDatabaseName,
  postgresServers,
  withClient,
  withDatabase,
} from '../support/postgres-servers.js';
import { Oracle } from './support/oracle.js';

// Where PostgreSQL's built-ins differ from JavaScript, dtde's PostgreSQL dialect renders what gives
// JavaScript's answer (the in-memory evaluator's). Each query runs on two table shards, one on each
// server, and on the evaluator over the same rows; the answers must agree. The rows are chosen
// for the differences: case mapping beyond ASCII, astral characters, Unicode spaces, LIKE's
// wildcards in search text, code-point order against locale order, halves in rounding, negative
// remainders, division by zero, nullable booleans and dates.

class Word {
  id!: number;
  shard!: string;
  text!: string;
  note!: string | null;
  n!: number;
  /** The int column's limits, for arithmetic past 32 bits. */
  edge!: number;
  price!: number;
  ok!: boolean | null;
  at!: Date | null;
}

class WordContext extends DtdeContext {
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Word, (e) => {
      e.toTable('Words');
      e.key((w) => w.id);
      e.property((w) => w.id).int();
      e.property((w) => w.shard).string(4);
      e.property((w) => w.text).string(40);
      e.property((w) => w.note)
        .string(40)
        .nullable();
      e.property((w) => w.n).int();
      e.property((w) => w.edge).int();
      e.property((w) => w.price).decimal(10, 2);
      e.property((w) => w.ok)
        .boolean()
        .nullable();
      e.property((w) => w.at)
        .dateTime()
        .nullable();
      e.shardBy((w) => w.shard).withStorageMode('tables');
    });
  }
}

const TEXTS = [
  'ß',
  'straße',
  'İstanbul',
  'ΟΔΟΣ',
  'ǅemal',
  'Zoë',
  'zoe',
  'Z',
  'a',
  'B',
  'b',
  'é',
  'e\u0301',
  '😀',
  'a😀b',
  '𝔘𝔫𝔦',
  '李雷',
  ' pad ',
  '\u00a0nbsp\u00a0',
  '\u2028line\u2029',
  '\u3000ideo\u3000',
  '\tTab\n',
  '50%',
  'a_b',
  'back\\slash',
  '100% sure',
  '_x_',
  '',
  'Ω',
  'ω',
  'ﬁ',
];

let ctx: WordContext;
let oracle: Oracle;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const { main, second } = postgresServers();
  const own = freshDatabaseName('jssem');
  const other = freshDatabaseName('jssem2');
  await createDatabases(main, [own]);
  await createDatabases(second, [other]);
  // Sessions in a time zone far from UTC (+12:45): dates must still read, compare and split in UTC.
  for (const [admin, name] of [
    [main, own],
    [second, other],
  ]) {
    await withClient(admin, (c) => c.query(`ALTER DATABASE "${name}" SET timezone TO 'Pacific/Chatham'`));
  }
  ctx = new WordContext({
    provider: postgres({ url: withDatabase(main, own) }),
    shards: (s) => s.addShard('A').addTableShardInDatabase('B', { url: withDatabase(second, other) }),
  });
  cleanup = async () => {
    await ctx.close();
    await dropDatabases(main, [own]);
    await dropDatabases(second, [other]);
  };
  await ctx.ensureCreated();
  const rows = TEXTS.map((text, i) =>
    Object.assign(new Word(), {
      id: i + 1,
      shard: i % 2 === 0 ? 'A' : 'B',
      text,
      note: i % 3 === 0 ? null : TEXTS[(i * 7) % TEXTS.length],
      n: (i % 9) - 4,
      edge: [2147483647, -2147483648, 5, -7][i % 4],
      price: [2.5, -2.5, 0.5, -0.5, 1.49, 3.75, -7.25, 0, 10.05, 99.99][i % 10],
      ok: i % 4 === 0 ? null : i % 4 === 1,
      at: i % 5 === 0 ? null : new Date(Date.UTC(2024, i % 12, 1 + i, i % 24, 30, 15, 250)),
    }),
  );
  await ctx.bulkInsert(Word, rows);
  oracle = new Oracle([[Word, rows]]);
});
afterAll(async () => {
  await cleanup?.();
});

const ordered = { ordered: true };
const unordered = { ordered: false };
type Q = Queryable<Word>;
const check = async (cases: ((q: Q) => Promise<unknown>)[], how = unordered) => {
  for (const build of cases) await oracle.check(ctx, Word, build, how);
};

describe('strings', () => {
  it('toUpperCase and toLowerCase map every script as JavaScript does (ß → SS, İ → i̇, final sigma)', async () => {
    await check([
      (q) =>
        q
          .select((w) => ({ id: w.id, u: w.text.toUpperCase(), l: w.text.toLowerCase() }))
          .distinct()
          .toArray(),
      (q) => q.where((w) => w.text.toUpperCase() === 'STRASSE').toArray(),
      (q) => q.where((w) => w.text.toLowerCase() === 'οδος').toArray(),
      (q) =>
        q
          .orderBy((w) => w.text.toLowerCase())
          .thenBy((w) => w.id)
          .toArray(),
    ]);
  });

  it('.length counts UTF-16 code units: an astral character is 2, a combining accent 1', async () => {
    await check([
      (q) =>
        q
          .select((w) => ({ id: w.id, len: w.text.length }))
          .distinct()
          .toArray(),
      (q) => q.where((w) => w.text.length === 2).toArray(),
      (q) =>
        q
          .groupBy((w) => w.text.length)
          .select((g) => ({ k: g.key, n: g.count() }))
          .toArray(),
    ]);
  });

  it('trim removes JavaScript’s whitespace: no-break, line and paragraph separators, ideographic space', async () => {
    await check([
      (q) =>
        q
          .select((w) => ({ id: w.id, t: w.text.trim() }))
          .distinct()
          .toArray(),
      (q) => q.where((w) => w.text.trim() === 'line' || w.text.trim() === 'ideo' || w.text.trim() === 'nbsp').toArray(),
      (q) => q.where((w) => w.text.trim().length < w.text.length).toArray(),
    ]);
  });

  it('startsWith, endsWith and includes are case-sensitive and take %, _ and \\ literally', async () => {
    const searches = ['%', '_', '\\', 'a', 'A', 'ß', '😀', '', '0% ', 's'];
    for (const s of searches) {
      await check([
        (q) => q.where((w, p) => w.text.includes(p.s), { s }).toArray(),
        (q) => q.where((w, p) => w.text.startsWith(p.s), { s }).toArray(),
        (q) => q.where((w, p) => w.text.endsWith(p.s) || (w.note ?? '').includes(p.s), { s }).toArray(),
      ]);
    }
  });

  it('orders and compares by code point, not by the locale (B < a < b < é), across both servers', async () => {
    await check(
      [
        (q) =>
          q
            .orderBy((w) => w.text)
            .thenBy((w) => w.id)
            .toArray(),
        (q) =>
          q
            .orderByDescending((w) => w.note)
            .thenBy((w) => w.id)
            .skip(2)
            .take(15)
            .toArray(),
      ],
      ordered,
    );
    await check([
      (q) => q.where((w) => w.text < 'a').toArray(),
      (q) => q.where((w, p) => w.text >= p.x, { x: 'é' }).toArray(),
      (q) => q.max((w) => w.text),
      (q) => q.min((w) => w.note),
      (q) =>
        q
          .select((w) => w.text)
          .distinct()
          .orderBy((t) => t)
          .skip(5)
          .take(10)
          .toArray(),
    ]);
  });
});

describe('numbers', () => {
  it('Math.round rounds halves away from zero, exactly; floor and ceil of negatives', async () => {
    await check([
      (q) => q.select((w) => ({ id: w.id, r: Math.round(w.price), f: Math.floor(w.price), c: Math.ceil(w.price) })).toArray(),
      (q) =>
        q
          .select((w) => Math.round(w.price))
          .distinct()
          .toArray(),
      (q) =>
        q
          .select((w) => Math.round(w.n / 2))
          .distinct()
          .toArray(),
      (q) => q.where((w) => Math.round(w.price) === -3 || Math.floor(w.price) === -1).toArray(),
    ]);
  });

  it('% keeps the dividend’s sign and the fraction; / is floating point; both by zero are null', async () => {
    await check([
      (q) =>
        q
          .select((w) => ({ id: w.id, m: w.n % 3, f: w.price % 0.75, d: w.n / 4 }))
          .distinct()
          .toArray(),
      (q) => q.where((w) => w.n % 3 === -1).toArray(),
      (q) => q.where((w, p) => w.n / p.z === null && w.n % p.z === null, { z: 0 }).count(),
      (q) => q.select((w) => ({ id: w.id, q: w.n / (w.n - w.n) })).toArray(),
      (q) => q.where((w) => w.price / w.n > 0.5).toArray(),
    ]);
  });

  it('integer columns add, subtract, multiply, negate and take abs past 2^31, as numbers do', async () => {
    await check([
      (q) => q.select((w) => ({ id: w.id, s: w.edge + w.edge, d: w.edge - w.n * w.edge, neg: -w.edge, abs: Math.abs(w.edge) })).toArray(),
      (q) => q.where((w) => w.edge + w.edge > 4_000_000_000 || -w.edge > 2_147_483_647).toArray(),
      (q) =>
        q
          .orderBy((w) => w.edge * w.edge)
          .thenBy((w) => w.id)
          .toArray(),
      (q) => q.sum((w) => w.edge + w.edge),
    ]);
  });

  it('integer arithmetic does not overflow at 2^31', async () => {
    await check([
      (q) =>
        q
          .select((w) => ({ id: w.id, big: w.n * 1_000_000_000 + 7 }))
          .distinct()
          .toArray(),
      (q) => q.where((w) => w.n * 3_000_000_000 > 5_000_000_000).toArray(),
    ]);
  });

  it('Math.min and Math.max of a null are null', async () => {
    await check([
      (q) =>
        q
          .select((w) => ({ id: w.id, lo: Math.min(w.n, 0), hi: Math.max(w.n, w.price) }))
          .distinct()
          .toArray(),
    ]);
  });
});

describe('dates in a session whose time zone is not UTC', () => {
  it('parts, comparisons and values are UTC', async () => {
    const [{ tz }] = await (async () => {
      const rows: { tz: unknown }[] = [];
      for await (const row of ctx.options.provider!.driver.query(null, "SELECT current_setting('TimeZone') AS tz"))
        rows.push(row as { tz: unknown });
      return rows;
    })();
    expect(tz).toBe('Pacific/Chatham');
    await check([
      // distinct and groupBy make SQL compute the parts (a plain select is computed on the client).
      (q) =>
        q
          .select((w) => ({
            id: w.id,
            y: w.at === null ? -1 : w.at.getUTCFullYear(),
            m: w.at === null ? -1 : w.at.getUTCMonth(),
            d: w.at === null ? -1 : w.at.getUTCDate(),
          }))
          .distinct()
          .toArray(),
      (q) =>
        q
          .groupBy((w) => (w.at === null ? -1 : w.at.getDate()))
          .select((g) => ({ day: g.key, n: g.count() }))
          .toArray(),
      (q) => q.where((w, p) => w.at !== null && w.at >= p.from, { from: new Date(Date.UTC(2024, 5, 1)) }).toArray(),
    ]);
  });
});

describe('nullable booleans and dates', () => {
  it('filters, ordering, groups and aggregates', async () => {
    await check([
      (q) => q.where((w) => w.ok as boolean).toArray(),
      (q) => q.where((w) => !w.ok).toArray(),
      (q) => q.where((w) => w.ok === false).toArray(),
      (q) => q.where((w) => w.ok !== true).toArray(),
      (q) => q.where((w) => (w.ok ?? true) === true).toArray(),
      (q) => q.where((w) => w.ok === w.n > 0).toArray(),
      (q) => q.where((w) => (w.ok ? w.n > 0 : w.n < 0)).toArray(),
      (q) => q.where((w) => !w.at).toArray(),
      (q) => q.count((w) => w.ok === null),
      (q) => q.max((w) => w.ok),
      (q) => q.min((w) => w.ok),
      (q) => q.min((w) => w.at),
      (q) =>
        q
          .select((w) => ({
            ok: w.ok,
            m: w.at === null ? null : w.at.getUTCMonth(),
            y: w.at === null ? null : w.at.getFullYear(),
            d: w.at === null ? null : w.at.getDate(),
          }))
          .distinct()
          .toArray(),
      (q) =>
        q
          .groupBy((w) => w.ok)
          .select((g) => ({ k: g.key, n: g.count(), lo: g.min((w) => w.at), any: g.max((w) => w.n > 2) }))
          .toArray(),
    ]);
    await check(
      [
        (q) =>
          q
            .orderByDescending((w) => w.ok)
            .thenBy((w) => w.id)
            .skip(3)
            .take(20)
            .toArray(),
        (q) =>
          q
            .orderBy((w) => w.ok)
            .thenByDescending((w) => w.at)
            .thenBy((w) => w.id)
            .take(25)
            .toArray(),
        (q) =>
          q
            .orderBy((w) => w.at)
            .thenBy((w) => w.id)
            .toArray(),
      ],
      ordered,
    );
  });
});

describe('arithmetic on decimal columns', () => {
  it('orders rows by it across shards: the merge compares the exact numeric text by value', async () => {
    await check(
      [
        (q) =>
          q
            .orderBy((w) => w.price * 2)
            .thenBy((w) => w.id)
            .toArray(),
        (q) =>
          q
            .orderByDescending((w) => w.price * w.n + 0.5)
            .thenBy((w) => w.id)
            .skip(3)
            .take(12)
            .toArray(),
      ],
      ordered,
    );
  });

  // PostgreSQL computes numeric arithmetic exactly and pg returns numeric as exact text; the
  // engine turns float-typed fields into numbers, as the evaluator computes them.
  it('projects and sums it as numbers', async () => {
    await check([
      (q) =>
        q
          .select((w) => w.price * 2)
          .distinct()
          .toArray(),
      (q) => q.sum((w) => w.price * 3),
    ]);
  });
});
