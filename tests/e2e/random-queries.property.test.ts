import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkRandomCase, randomCaseArb } from './support/random-case.js';

// Random shard layouts (value, date and hash sharding; table, database and mixed storage), random
// rows and random queries: every answer from real SQLite shards must equal the in-memory
// evaluator's over the same rows, in order where the query is totally ordered, and errors must
// be of the same class. DTDE_PROPERTY_RUNS raises the number of cases; DTDE_PROPERTY_SEED (with
// DTDE_PROPERTY_PATH, both printed on failure) replays one.

const runs = Number(process.env.DTDE_PROPERTY_RUNS ?? 1000);
const seed = process.env.DTDE_PROPERTY_SEED === undefined ? undefined : Number(process.env.DTDE_PROPERTY_SEED);
const path = process.env.DTDE_PROPERTY_PATH;

// Real SQLite files, in RAM where Linux offers it: creating a few thousand small databases on a
// disk costs fsyncs, not query work. DTDE_PROPERTY_TMP picks another folder.
const base = process.env.DTDE_PROPERTY_TMP ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const root = mkdtempSync(join(base, 'dtde-random-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('random queries over random shard layouts', () => {
  it(`agree with the in-memory evaluator (${runs} cases)`, { timeout: 0 }, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(randomCaseArb, (c) => checkRandomCase(c, join(root, `case-${n++}`))),
      { numRuns: runs, seed, path, endOnFailure: false },
    );
  });
});
