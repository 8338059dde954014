// docs/temporal.md's example, executed as written: the last ```ts block of the page is copied
// into a module and imported (vitest compiles it, and 'dtde' points at the sources), in a temp
// working directory so its hr.db lands there. Its console output must be what the comments say.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
let work: string | undefined;
const cwd = process.cwd();

afterEach(() => {
  process.chdir(cwd);
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

it('the example of docs/temporal.md runs and prints what its comments say', async () => {
  const page = readFileSync(join(root, 'docs/temporal.md'), 'utf8');
  const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const example = blocks.at(-1)!;
  const expected = [...example.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  expect(expected).toEqual(['0.05', '2']);
  work = mkdtempSync(join(tmpdir(), 'dtde-temporal-doc-'));
  // The module lives in the repository so 'dtde' resolves as in the tests; it runs in `work`.
  const file = join(root, 'tests/e2e', `.temporal-doc-example-${process.pid}.ts`);
  writeFileSync(file, example);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    process.chdir(work);
    await import(file);
    expect(log.mock.calls.map((c) => String(c[0]))).toEqual(expected);
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
});
