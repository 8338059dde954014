// Run by tests/e2e/date-shards-on-demand.test.ts in several child processes at once: each writes
// 50 readings into September 2026, a month no shard exists for yet.
import { openAutoShop, reading } from './auto-shop.js';

const [dir, first] = process.argv.slice(2);
if (dir === undefined || first === undefined) throw new Error('usage: node auto-shard-writer.js <dir> <first id>');
const ctx = openAutoShop(dir);
for (let i = 0; i < 5; i++) {
  for (let j = 0; j < 10; j++) ctx.add(reading(Number(first) + i * 10 + j, `2026-09-${String(1 + j).padStart(2, '0')}`));
  await ctx.saveChanges();
}
await ctx.close();
