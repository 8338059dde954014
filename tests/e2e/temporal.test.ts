// Temporal validity on SQLite files: validAt / validBetween / allVersions compose with other
// operators and prune quarterly shards by validFrom; versioned saves close the current version and
// open the next at one instant, so random histories of updates and removes answer validAt with
// exactly one version per entity that existed then, as the in-memory model of the same history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DtdeConfigurationError, DtdeContext, type ModelBuilder, sqlite } from '../../src/index.js';
import { configureContract, configureCustomer, Contract, Customer } from '../support/shop-model.js';
import { listenDiagnostics } from './support/listen-diagnostics.js';
import { Oracle } from './support/oracle.js';

const QUARTERS = ['2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1'];

class HrContext extends DtdeContext {
  contracts = this.temporalSet(Contract);
  customers = this.set(Customer);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Contract, (e) => configureContract(e, { storage: 'databases' })).entity(Customer, configureCustomer);
  }
}

let dir: string;
let now: Date;
let ctx: HrContext;
const open = () =>
  new HrContext({
    provider: sqlite({ file: join(dir, 'hr.db') }),
    clock: () => now,
    shards: (s) =>
      s.addShards('EU', 'US', 'APAC').addShardGroup('quarters', (g) => {
        for (const q of QUARTERS) g.addShard(q, { file: `contracts-${q}.db` });
      }),
  });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dtde-temporal-'));
  now = new Date('2024-01-10T00:00:00Z');
  ctx = open();
  await ctx.ensureCreated();
});
afterEach(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

const contract = (id: number, rate: number) => Object.assign(new Contract(), { id, customerId: id % 3, rate });
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** The plain-predicate formulation of validAt, for the oracle: it must agree with the operator. */
const validAtByHand = (at: Date) => (q: ReturnType<Oracle['root']>) =>
  (q as unknown as typeof ctx.contracts).where((c, p) => c.validFrom <= p.at && (c.validTo === null || c.validTo > p.at), { at });

describe('temporal queries', () => {
  async function history(): Promise<void> {
    ctx.addRange([contract(1, 0.1), contract(2, 0.2), contract(3, 0.3)]);
    await ctx.saveChangesWithVersioning(); // all valid from 2024-01-10, in 2024Q1
    now = day('2024-05-01');
    const c1 = (await ctx.contracts.validAt(now).first((c) => c.id === 1))!;
    c1.rate = 0.11;
    ctx.update(c1);
    await ctx.saveChangesWithVersioning(); // c1 v2 from 2024-05-01, in 2024Q2
    now = day('2024-08-15');
    c1.rate = 0.12;
    ctx.update(c1);
    ctx.remove((await ctx.contracts.validAt(now).first((c) => c.id === 2))!);
    await ctx.saveChangesWithVersioning(); // c1 v3 in 2024Q3; c2 closed
  }

  it('validAt, validBetween and allVersions answer like the same predicates written by hand', async () => {
    await history();
    const rows = await ctx.contracts
      .allVersions()
      .orderBy((c) => c.id)
      .thenBy((c) => c.validFrom)
      .toArray();
    expect(rows.map((c) => [c.id, c.rate, c.validFrom.toISOString().slice(0, 10), c.validTo?.toISOString().slice(0, 10) ?? null])).toEqual([
      [1, 0.1, '2024-01-10', '2024-05-01'],
      [1, 0.11, '2024-05-01', '2024-08-15'],
      [1, 0.12, '2024-08-15', null],
      [2, 0.2, '2024-01-10', '2024-08-15'],
      [3, 0.3, '2024-01-10', null],
    ]);
    const oracle = new Oracle([[Contract, rows.map((r) => Object.assign(new Contract(), r))]]);
    for (const at of [day('2024-01-09'), day('2024-01-10'), day('2024-05-01'), day('2024-06-30'), day('2024-08-15'), day('2025-02-01')]) {
      const engine = await ctx.contracts
        .validAt(at)
        .orderBy((c) => c.id)
        .toArray();
      const expected = await validAtByHand(at)(oracle.root(Contract))
        .orderBy((c) => c.id)
        .toArray();
      expect(engine).toEqual(expected);
      // Exactly one version per entity that existed at that instant.
      expect(new Set(engine.map((c) => c.id)).size).toBe(engine.length);
    }
    expect(
      await ctx.contracts
        .validBetween(day('2024-04-01'), day('2024-06-01'))
        .orderBy((c) => c.rate)
        .select((c) => c.rate)
        .toArray(),
    ).toEqual([0.1, 0.11, 0.2, 0.3]);
    expect(await ctx.contracts.validBetween(day('2024-05-01'), day('2024-05-01')).count()).toBe(0);
    // Composition: paging, aggregates and group by after validAt.
    const at = day('2024-06-01');
    expect(
      await ctx.contracts
        .validAt(at)
        .orderBy((c) => c.id)
        .skip(1)
        .take(1)
        .select((c) => c.id)
        .toArray(),
    ).toEqual([2]);
    expect(await ctx.contracts.validAt(at).sum((c) => c.rate)).toBeCloseTo(0.11 + 0.2 + 0.3);
    const groups = await ctx.contracts
      .validAt(at)
      .groupBy((c) => c.customerId)
      .select((g) => ({ k: g.key, n: g.count() }))
      .orderBy((x) => x.k)
      .toArray();
    expect(groups).toEqual([
      { k: 0, n: 1 },
      { k: 1, n: 1 },
      { k: 2, n: 1 },
    ]);
  });

  it('validAt reads no quarter whose versions all start after the instant', async () => {
    await history();
    const log = listenDiagnostics();
    await ctx.contracts.validAt(day('2024-02-01')).toArray();
    await ctx.contracts.validAt(day('2024-06-01')).count();
    log.stop();
    expect(log.plans.map((m) => m.shardIds)).toEqual([['quarters::2024Q1'], ['quarters::2024Q1', 'quarters::2024Q2']]);
  });

  it('temporal operators exist only on temporal sets', () => {
    // @ts-expect-error validAt is not an operator of a plain set
    expect(() => ctx.customers.validAt(now)).toThrow(TypeError);
    expect(() => ctx.temporalSet(Customer)).toThrow(DtdeConfigurationError);
  });

  it('a version must start after the one it closes', async () => {
    ctx.add(contract(1, 0.1));
    await ctx.saveChangesWithVersioning();
    const c = (await ctx.contracts.first())!;
    c.rate = 0.5;
    ctx.update(c);
    await expect(ctx.saveChangesWithVersioning()).rejects.toThrow(/is not after the current version's validFrom/);
  });

  it('plain saveChanges updates a version in place', async () => {
    ctx.add(contract(1, 0.1));
    await ctx.saveChangesWithVersioning();
    const c = (await ctx.contracts.first())!;
    c.rate = 0.2;
    ctx.update(c);
    await ctx.saveChanges();
    expect(
      await ctx.contracts
        .allVersions()
        .select((x) => x.rate)
        .toArray(),
    ).toEqual([0.2]);
  });
});

describe('versioned saves (property)', () => {
  it('random updates and removes over many entities leave exactly one valid version per live entity at every instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            id: fc.integer({ min: 1, max: 6 }),
            remove: fc.boolean(),
            // At most 12 steps of 30 days from 2024-01-10: every instant stays inside the declared quarters.
            days: fc.integer({ min: 1, max: 30 }),
            rate: fc.integer({ min: 1, max: 999 }),
          }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        async (steps) => {
          await ctx.contracts.executeDelete();
          now = new Date('2024-01-10T00:00:00Z');
          // The model: per id, its versions [from, to) with a rate.
          const model = new Map<number, { rate: number; from: Date; to: Date | null }[]>();
          for (const step of steps) {
            now = new Date(now.getTime() + step.days * 86_400_000);
            const versions = model.get(step.id) ?? [];
            const current = versions.find((v) => v.to === null);
            if (current === undefined) {
              if (step.remove) continue;
              ctx.add(contract(step.id, step.rate / 1000));
              versions.push({ rate: step.rate / 1000, from: now, to: null });
            } else {
              const stored = (await ctx.contracts.validAt(now).first((c, p) => c.id === p.id, { id: step.id }))!;
              if (step.remove) ctx.remove(stored);
              else {
                stored.rate = step.rate / 1000;
                ctx.update(stored);
                versions.push({ rate: step.rate / 1000, from: now, to: null });
              }
              current.to = now;
            }
            model.set(step.id, versions);
            await ctx.saveChangesWithVersioning();
          }
          const instants = [...model.values()]
            .flat()
            .flatMap((v) => [v.from, new Date(v.from.getTime() + 1), ...(v.to ? [new Date(v.to.getTime() - 1), v.to] : [])]);
          for (const at of instants) {
            const engine = (
              await ctx.contracts
                .validAt(at)
                .orderBy((c) => c.id)
                .toArray()
            ).map((c) => [c.id, c.rate]);
            const expected = [...model.entries()]
              .flatMap(([id, versions]) => versions.filter((v) => v.from <= at && (v.to === null || v.to > at)).map((v) => [id, v.rate]))
              .sort((a, b) => a[0] - b[0]);
            expect(engine).toEqual(expected);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
