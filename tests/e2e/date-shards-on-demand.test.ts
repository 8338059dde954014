// Date shards created on demand (autoCreate) and dropped for retention (dropShardsBefore), on
// SQLite: the first write into a month creates its table; every context of the process sees the
// new shard; a context started later finds shards other processes created; several processes
// writing into one new shard at once all land and create its table once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DtdeConfigurationError, DtdeInvalidOperationError, type ModelBuilder } from '../../src/index.js';
import { compileForNode } from '../support/compile-for-node.js';
import { AutoShop, openAutoShop, reading } from './support/auto-shop.js';
import { Oracle } from './support/oracle.js';

let dir: string;
let ctx: AutoShop;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dtde-auto-'));
  ctx = openAutoShop(dir);
  await ctx.ensureCreated();
});
afterEach(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

const tables = () => {
  const db = new Database(join(dir, 'shop.db'), { readonly: true });
  try {
    return (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'Readings%' ORDER BY name`).all() as { name: string }[]
    ).map((r) => r.name);
  } finally {
    db.close();
  }
};

describe('autoCreate', () => {
  it('a write into a month with no shard creates its table; reads see it, and skip months that have none', async () => {
    expect(tables()).toEqual(['Readings_202401']); // the one declared shard
    const rows = [reading(1, '2024-01-05'), reading(2, '2024-03-02'), reading(3, '2024-03-30'), reading(4, '2025-11-11')];
    ctx.addRange(rows.slice(0, 2));
    await ctx.saveChanges();
    await ctx.bulkInsert(AutoShop.Reading, rows.slice(2));
    expect(tables()).toEqual(['Readings_202401', 'Readings_202403', 'Readings_202511']);
    const oracle = new Oracle([[AutoShop.Reading, rows]]);
    await oracle.check(ctx, AutoShop.Reading, (q) => q.orderBy((r) => r.id).toArray(), { ordered: true });
    await oracle.check(
      ctx,
      AutoShop.Reading,
      (q) => q.where((r, p) => r.takenAt >= p.from, { from: new Date('2024-03-15T00:00:00Z') }).count(),
      { ordered: false },
    );
    // A move into a month that does not exist yet creates it too.
    const r1 = (await ctx.readings.first((r) => r.id === 1))!;
    r1.takenAt = new Date('2024-07-04T00:00:00Z');
    ctx.update(r1);
    await ctx.saveChanges();
    expect(tables()).toContain('Readings_202407');
    // Another context of the process sees the new shards at once.
    const other = openAutoShop(dir);
    try {
      expect(await other.readings.count()).toBe(4);
      expect(other.shardLayout.groups.get('months')!.map((s) => s.id)).toEqual(['2024-01', '2024-03', '2024-07', '2025-11']);
    } finally {
      await other.close();
    }
  });

  it('needs table storage and date sharding', () => {
    expect(
      () =>
        new (class extends AutoShop {
          protected override onModelCreating(mb: ModelBuilder): void {
            mb.entity(AutoShop.Reading, (e) => {
              AutoShop.configure(e);
              e.shardByDate((r) => r.takenAt, 'month')
                .withStorageMode('databases')
                .useShardGroup('months')
                .autoCreate();
            });
          }
        })({}).model,
    ).toThrow(DtdeConfigurationError);
  });
});

describe('dropShardsBefore', () => {
  it('drops whole shards before an interval boundary and refuses one that straddles the date', async () => {
    await ctx.bulkInsert(AutoShop.Reading, [reading(1, '2024-01-05'), reading(2, '2024-02-10'), reading(3, '2024-03-02')]);
    await expect(ctx.dropShardsBefore(AutoShop.Reading, new Date('2024-02-15T00:00:00Z'))).rejects.toThrow(DtdeInvalidOperationError);
    expect(tables()).toEqual(['Readings_202401', 'Readings_202402', 'Readings_202403']);
    expect(await ctx.dropShardsBefore(AutoShop.Reading, new Date('2024-03-01T00:00:00Z'))).toEqual(['months::2024-01', 'months::2024-02']);
    expect(tables()).toEqual(['Readings_202403']);
    expect(await ctx.readings.select((r) => r.id).toArray()).toEqual([3]);
  });
});

describe('concurrent creators in several processes', () => {
  const CHILD = 'tests/e2e/support/auto-shard-writer.ts';
  let build: ReturnType<typeof compileForNode>;
  beforeAll(() => {
    build = compileForNode([CHILD], 'dtde-auto-');
  });
  afterAll(() => rmSync(build.dir, { recursive: true, force: true }));

  const run = (first: number) =>
    new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [build.compiled(CHILD), dir, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });

  it('four processes writing into one new month at once: all rows land, the table exists once', async () => {
    const results = await Promise.all([1000, 2000, 3000, 4000].map(run));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(tables()).toEqual(['Readings_202401', 'Readings_202609']);
    // A context started now finds the shard the other processes created.
    const fresh = openAutoShop(dir);
    try {
      expect(await fresh.readings.count()).toBe(4 * 50);
    } finally {
      await fresh.close();
    }
  });
});
