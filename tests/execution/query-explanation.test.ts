import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { DtdeConfigurationError, DtdeContext, sqlite, type ModelBuilder, type OrderKeyExplanation, type QueryExplanation } from 'dtde';
import { findDialect } from 'dtde/provider';
import { configureShop, Customer, Event, Order, shopShards } from '../support/shop-model.js';

// explain(): the plan as documented data (a merge union by kind), dialects found by name or given
// as objects, and output that survives JSON.stringify with bigints as decimal strings. No I/O.

class Shop extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);
  events = this.set(Event);

  protected override onModelCreating(mb: ModelBuilder): void {
    configureShop(mb);
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'dtde-explain-'));
const ctx = new Shop({ provider: sqlite({ file: path.join(dir, 'shop.db') }), shards: (s) => shopShards(s) });
afterAll(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The explanation as JSON would carry it: the same data, bigints as their decimal text. */
function viaJson(explanation: QueryExplanation): unknown {
  return JSON.parse(JSON.stringify(explanation));
}

describe('explain()', () => {
  it('survives JSON.stringify, writing bigint parameters as decimal strings and keeping them exact in memory', () => {
    const explanation = ctx.events
      .where((e, p) => e.amount > p.min, { min: 12n })
      .orderBy((e) => e.at)
      .skip(5)
      .take(10)
      .explain();
    // In memory: exactly what the driver binds (SQLite binds the user's bigint as a bigint; its limit
    // is written into the SQL text, not bound).
    expect(explanation.commands[0]!.parameters).toEqual([12n]);
    expect(() => JSON.stringify(explanation)).not.toThrow();
    const json = viaJson(explanation) as QueryExplanation;
    expect(json.commands.map((c) => c.parameters)).toEqual(explanation.commands.map(() => ['12']));
    expect(json).toEqual({
      entity: 'Event',
      dialect: 'sqlite',
      commands: explanation.commands.map((c) => ({ ...c, parameters: ['12'] })),
      merge: explanation.merge,
      terminal: 'stream',
    });
    // toJSON is not part of the data: the explanation compares and spreads as plain data.
    expect(Object.keys(explanation)).toEqual(['entity', 'dialect', 'commands', 'merge', 'terminal']);
  });

  it('documents the merge by kind: ordered keys, paging and helper columns', () => {
    const explanation = ctx.customers
      .orderBy((c) => c.name)
      .skip(2)
      .take(3)
      .explain();
    expect(explanation.merge).toEqual({
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: 'id', descending: false },
      ],
      skip: 2,
      take: 3,
    });
    if (explanation.merge.kind === 'ordered') expectTypeOf(explanation.merge.keys).toEqualTypeOf<readonly OrderKeyExplanation[]>();
    expect(viaJson(explanation)).toMatchObject({ merge: explanation.merge });

    // A projection that drops the order keys: the shards return them under helper columns the
    // merge orders by and the result strips.
    const projected = ctx.customers
      .orderBy((c) => c.name)
      .take(3)
      .select((c) => c.email)
      .explain().merge;
    expect(projected.kind).toBe('ordered');
    expect(projected.stripFields).toHaveLength(2);
    expect(projected.kind === 'ordered' && projected.keys.map((k) => k.field)).toEqual(projected.stripFields);
  });

  it('documents a group merge with its keys and aggregates, and the routed and distinct kinds', () => {
    const grouped = ctx.orders
      .groupBy((o) => o.status)
      .select((g) => ({ status: g.key, n: g.count(), avg: g.average((o) => o.total) }))
      .explain();
    expect(grouped.merge.kind).toBe('groupBy');
    if (grouped.merge.kind !== 'groupBy') return;
    expect(grouped.merge.keys.map((k) => k.field)).toHaveLength(1);
    expect(grouped.merge.aggregates.map((a) => a.op)).toEqual(['count', 'average']);
    expect(grouped.commands.map((c) => c.shardId)).toEqual(['years::2023', 'years::2024', 'years::2025']);

    expect(ctx.customers.where((c) => c.region === 'EU').explain().merge).toEqual({ kind: 'concat' });
    expect(
      ctx.customers
        .select((c) => c.region)
        .distinct()
        .explain().merge.kind,
    ).toBe('distinct');
  });

  it('renders in a dialect given by name or as an object, and refuses an unknown name listing the known ones', () => {
    const query = ctx.customers.where((c) => c.region === 'US').take(1);
    const byName = query.explain({ dialect: 'mssql' });
    expect(byName.dialect).toBe('mssql');
    expect(byName.commands[0]!.sql).toMatch(/^SELECT TOP \(@p0\) /);
    expect(query.explain({ dialect: findDialect('mssql') })).toEqual(byName);
    expect(query.explain({ dialect: 'sqlite' })).toEqual(query.explain());

    expect(() => query.toQueryString({ dialect: 'oracle' })).toThrow(DtdeConfigurationError);
    // Every registered name, sorted (other providers may add theirs).
    expect(() => query.toQueryString({ dialect: 'oracle' })).toThrow(
      /^Unknown dialect 'oracle'; the known dialects are .*'mssql'.*'sqlite'/,
    );
  });

  it('does no I/O', () => {
    expect(readdirSync(dir)).toEqual([]);
  });
});
