import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedNumbers, useSqliteFolder } from './sqlite-test-folder.js';

const sqlite = useSqliteFolder();

describe('SqliteDriver streams (property)', () => {
  it('any mix of concurrent streams, batch sizes and early stops yields exact prefixes and frees every connection', async () => {
    const file = path.join(sqlite.folder(), 'main.db');
    seedNumbers(file, 600);
    const driver = sqlite.driver({ readPoolSize: 4 });
    const stream = fc.record({
      low: fc.integer({ min: 0, max: 600 }),
      batchSize: fc.integer({ min: 1, max: 300 }),
      stopAfter: fc.option(fc.integer({ min: 0, max: 650 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(stream, { minLength: 1, maxLength: 4 }), async (streams) => {
        // Pull all streams round-robin so they are open on the same file at the same time.
        const iterators = streams.map((s) =>
          driver.query(null, 'SELECT id FROM t WHERE id > ? ORDER BY id', [s.low], { batchSize: s.batchSize })[Symbol.asyncIterator](),
        );
        const seen: number[][] = streams.map(() => []);
        const active = new Set(streams.keys());
        while (active.size > 0) {
          for (const i of [...active]) {
            const limit = streams[i]?.stopAfter;
            if (limit !== undefined && (seen[i]?.length ?? 0) >= limit) {
              await iterators[i]?.return?.();
              active.delete(i);
              continue;
            }
            const next = await iterators[i]?.next();
            if (next === undefined || next.done === true) active.delete(i);
            else seen[i]?.push(Number(next.value.id));
          }
        }
        streams.forEach((s, i) => {
          const all = Array.from({ length: 600 - s.low }, (_, k) => s.low + k + 1);
          expect(seen[i]).toEqual(s.stopAfter === undefined ? all : all.slice(0, s.stopAfter));
        });
        expect(driver.stats().files.get(file)).toMatchObject({ used: 0, pendingAcquires: 0, openStreams: 0 });
      }),
      { numRuns: 150 },
    );
  });
});
