// The quick-start sample, run small (DTDE_SAMPLE_SCALE=0.01) through vitest with 'dtde' pointing at
// the sources: it shows the load's progress in rows per second, prints each aggregate's shard
// commands under its own label, and says "1 row", never "1 rows".
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const sample = fileURLToPath(new URL('../../samples/quick-start.ts', import.meta.url));

afterAll(() => {
  delete process.env.DTDE_SAMPLE_SCALE;
});

it('shows load progress, labels each aggregate and counts rows in good English', async () => {
  process.env.DTDE_SAMPLE_SCALE = '0.01';
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  try {
    await import(sample);
  } finally {
    log.mockRestore();
  }
  const text = lines.join('\n');
  expect(text).toMatch(/loading customers: 500 \/ 500 rows \([\d,]+ rows\/s\)/);
  expect(text).toMatch(/loading orders: 2,000 \/ 2,000 rows \([\d,]+ rows\/s\)/);
  for (const label of ['count', 'paid', 'revenue', 'average', 'largest'])
    expect(text).toMatch(new RegExp(`\\n    ${label}:\\n      shard years::2023`));
  expect(text).toMatch(/ 1 row$/m);
  expect(text).not.toMatch(/\b1 rows\b/);
  expect(text).toMatch(/done in [\d.]+ s/);
}, 120_000);
