// The original design's scenario, at its size: 1,000,000 contract versions in 4 quarterly SQLite
// files, then validAt(date).orderBy(c => c.id).take(100). Not timed (speed is measured by
// `npm run bench`); this checks the answer against the in-memory evaluator over the same rows and
// that the query reads only the quarters that can hold versions valid at that date.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DtdeContext, type ModelBuilder, sqlite } from '../../src/index.js';
import { configureContract, Contract } from '../support/shop-model.js';
import { listenDiagnostics } from './support/listen-diagnostics.js';
import { Oracle } from './support/oracle.js';

const ROWS = Number(process.env.DTDE_TEMPORAL_ROWS ?? 1_000_000);
const QUARTERS = ['2024Q1', '2024Q2', '2024Q3', '2024Q4'];
const YEAR_START = Date.UTC(2024, 0, 1);
const YEAR_MS = Date.UTC(2025, 0, 1) - YEAR_START;

class ContractStore extends DtdeContext {
  contracts = this.temporalSet(Contract);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Contract, (e) => configureContract(e, { storage: 'databases' }));
  }
}

let dir: string;
let ctx: ContractStore;
let rows: Contract[];

/** Deterministic versions: contract i/2 has two versions, the first closed where the second starts. */
function contracts(n: number): Contract[] {
  const out: Contract[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = 0; i < n; i += 2) {
    const id = i / 2;
    const start = YEAR_START + Math.floor(next() * YEAR_MS * 0.6);
    const change = start + Math.floor(next() * (YEAR_START + YEAR_MS - start));
    out.push(
      Object.assign(new Contract(), { id, customerId: id % 1000, rate: 0.01, validFrom: new Date(start), validTo: new Date(change) }),
    );
    if (i + 1 < n)
      out.push(Object.assign(new Contract(), { id, customerId: id % 1000, rate: 0.02, validFrom: new Date(change), validTo: null }));
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dtde-temporal-scale-'));
  ctx = new ContractStore({
    provider: sqlite({ file: join(dir, 'contracts.db') }),
    shards: (s) =>
      s.addShardGroup('quarters', (g) => {
        for (const q of QUARTERS) g.addShard(q, { file: `contracts-${q}.db` });
      }),
  });
  await ctx.ensureCreated();
  rows = contracts(ROWS);
  await ctx.bulkInsert(Contract, rows, { batchSize: 50_000 });
}, 600_000);

afterAll(async () => {
  await ctx?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it(`validAt over ${ROWS.toLocaleString('en-US')} versions in 4 quarterly files reads only the quarters that can match and equals the evaluator`, async () => {
  const oracle = new Oracle([[Contract, rows]]);
  for (const [at, quarters] of [
    [new Date('2024-02-15T00:00:00Z'), ['quarters::2024Q1']],
    [new Date('2024-08-01T00:00:00Z'), ['quarters::2024Q1', 'quarters::2024Q2', 'quarters::2024Q3']],
  ] as const) {
    const log = listenDiagnostics();
    const page = await ctx.contracts
      .validAt(at)
      .orderBy((c) => c.id)
      .take(100)
      .toArray();
    log.stop();
    expect(log.plans.map((p) => p.shardIds)).toEqual([quarters]);
    const expected = await oracle
      .root(Contract)
      .where((c, p) => c.validFrom <= p.at && (c.validTo === null || c.validTo > p.at), { at })
      .orderBy((c) => c.id)
      .take(100)
      .toArray();
    expect(page).toEqual(expected);
    expect(page).toHaveLength(100);
  }
}, 120_000);
