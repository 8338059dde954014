// `for await` over an ordered fan-out of every row (no take) against `toArray` of the same rows:
// peak live-heap growth, one child process per measurement (node --expose-gc). 16 table shards
// read with maxParallelShards 4, the shape that used to buffer waiting shards in memory.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DtdeContext, type DtdeProvider, type ModelBuilder, sqlite } from '../../src/index.js';
import type { Report } from '../report.js';
import { random, tempFolder } from '../sqlite-shop.js';

export class StreamRow {
  id!: number;
  bucket!: string;
  name!: string;
  payload!: string;
}

export class StreamContext extends DtdeContext {
  rows = this.set(StreamRow);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(StreamRow, (e) => {
      e.toTable('StreamRows');
      e.key((r) => r.id);
      e.property((r) => r.id).int();
      e.property((r) => r.bucket).string(8);
      e.property((r) => r.name).string(64);
      e.property((r) => r.payload).string(200);
      e.shardBy((r) => r.bucket).withStorageMode('tables');
    });
  }
}

export function streamContext(provider: DtdeProvider, shards: number, maxParallelShards: number): StreamContext {
  return new StreamContext({
    provider,
    shards: (s) => s.addShards(...Array.from({ length: shards }, (_, i) => `b${i}`)),
    maxParallelShards,
  });
}

const SHARDS = 16;
const MAX_PARALLEL = 4;

interface ChildResult {
  readonly mode: string;
  readonly rows: number;
  readonly seconds: number;
  readonly peakHeapGrowthMb: number;
  readonly ordered: boolean;
}

export async function streamMemory(rowCount: number, report: Report): Promise<void> {
  const folder = tempFolder('dtde-bench-stream-');
  try {
    const file = path.join(folder.dir, 'stream.db');
    const ctx = streamContext(sqlite({ file }), SHARDS, MAX_PARALLEL);
    await ctx.ensureCreated();
    await ctx.close();
    const started = performance.now();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const inserts = Array.from({ length: SHARDS }, (_, i) =>
      db.prepare(`INSERT INTO "StreamRows_b${i}" ("id", "bucket", "name", "payload") VALUES (?, ?, ?, ?)`),
    );
    const rnd = random(7);
    db.transaction(() => {
      for (let id = 1; id <= rowCount; id++) {
        const shard = id % SHARDS;
        inserts[shard]!.run(id, `b${shard}`, `n${Math.floor(rnd() * 1e9)}`, `payload ${id} `.padEnd(80, 'x'));
      }
    })();
    db.close();
    console.log(
      `\n▶ stream memory: ${rowCount.toLocaleString('en')} rows written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const child = fileURLToPath(new URL('../stream-memory-child.js', import.meta.url));
    const results: ChildResult[] = [];
    for (const mode of ['for-await', 'toArray']) {
      const out = execFileSync(process.execPath, ['--expose-gc', child, file, String(SHARDS), String(MAX_PARALLEL), mode], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const result = JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
      if (result.rows !== rowCount || !result.ordered)
        throw new Error(`stream memory (${mode}) read ${result.rows} rows, ordered ${result.ordered}`);
      console.log(
        `  ${mode.padEnd(9)} ${result.rows.toLocaleString('en')} rows in ${result.seconds.toFixed(1)} s, peak live heap growth ${result.peakHeapGrowthMb.toFixed(1)} MB`,
      );
      results.push(result);
    }
    report.tables.push({
      title: `Ordered fan-out of ${rowCount.toLocaleString('en')} rows without take: ${SHARDS} table shards, maxParallelShards ${MAX_PARALLEL}, one process per measurement`,
      columns: ['read with', 'rows', 'seconds', 'rows/s', 'peak live heap growth'],
      rows: results.map((r) => [
        r.mode,
        r.rows.toLocaleString('en'),
        r.seconds.toFixed(1),
        Math.round(r.rows / r.seconds).toLocaleString('en'),
        `${r.peakHeapGrowthMb.toFixed(1)} MB`,
      ]),
    });
    const forAwait = results[0]!;
    const toArray = results[1]!;
    report.targets.push({
      target: `for await over an ordered fan-out of ${rowCount.toLocaleString('en')} rows (${SHARDS} shards, maxParallelShards ${MAX_PARALLEL})`,
      goal: 'peak heap growth < 64 MB whatever the row count',
      measured: `${forAwait.peakHeapGrowthMb.toFixed(1)} MB (toArray of the same rows: ${toArray.peakHeapGrowthMb.toFixed(1)} MB)`,
      met: forAwait.peakHeapGrowthMb < 64,
    });
  } finally {
    folder.dispose();
  }
}
