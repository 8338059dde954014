// One measurement of the stream-memory scenario, in its own process (node --expose-gc):
//   node --expose-gc stream-memory-child.js <file> <shards> <maxParallelShards> <for-await|toArray>
// Reads every row of an ordered fan-out and prints one JSON line: rows, seconds, and the peak
// growth of the live heap over the heap before the query. The live heap is sampled after a full
// garbage collection every SAMPLE_EVERY rows (and at the end, with the rows of toArray still
// referenced), so garbage not yet collected does not count; without take, a merge that buffers
// whole shards shows here.
import { performance } from 'node:perf_hooks';
import { sqlite } from '../src/index.js';
import { streamContext } from './scenarios/stream-memory.js';

const [file, shardArg, parallelArg, mode] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (file === undefined || gc === undefined || (mode !== 'for-await' && mode !== 'toArray')) {
  console.error('usage: node --expose-gc stream-memory-child.js <file> <shards> <maxParallelShards> <for-await|toArray>');
  process.exit(2);
}
const shards = Number(shardArg);
const maxParallelShards = Number(parallelArg);
const SAMPLE_EVERY = 25_000;

const ctx = streamContext(sqlite({ file, readPoolSize: Math.max(8, shards) }), shards, maxParallelShards);
// Warm up connections, statements and the plan path with a small query, then measure from a clean heap.
await ctx.rows
  .orderBy((r) => r.name)
  .take(10)
  .toArray();
gc();
const before = process.memoryUsage().heapUsed;
let peak = 0;
const sample = (): void => {
  gc();
  peak = Math.max(peak, process.memoryUsage().heapUsed - before);
};
const started = performance.now();
let rows = 0;
let last = '';
let ordered = true;
if (mode === 'for-await') {
  for await (const row of ctx.rows.orderBy((r) => r.name)) {
    if (row.name < last) ordered = false;
    last = row.name;
    if (++rows % SAMPLE_EVERY === 0) sample();
  }
  sample();
} else {
  const all = await ctx.rows.orderBy((r) => r.name).toArray();
  rows = all.length;
  sample(); // `all` is still referenced here
  for (let i = 1; i < all.length; i++) if (all[i]!.name < all[i - 1]!.name) ordered = false;
}
const seconds = (performance.now() - started) / 1000;
await ctx.close();
console.log(JSON.stringify({ mode, rows, seconds, peakHeapGrowthMb: peak / 2 ** 20, ordered }));
