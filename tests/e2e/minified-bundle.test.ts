import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppReport, runApp } from './support/bundle-app.js';

// A minifier renames classes and functions (`Customer` becomes `Ge`, `DtdeShardError` becomes `C`)
// and rewrites literals (`Infinity` becomes `1/0`). A small app bundled with the command the README
// gives must report the same tables, answers and error names as the same app run from source.

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let bundle: string;

beforeAll(async () => {
  // Inside the repository, so the bundle's external `better-sqlite3` resolves from node_modules.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  dir = mkdtempSync(join(root, '.tmp', 'bundle-'));
  bundle = join(dir, 'app.mjs');
  await build({
    entryPoints: [join(root, 'tests/e2e/support/bundle-app-main.ts')],
    outfile: bundle,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    external: ['better-sqlite3'],
    // tarn (a dependency) is CommonJS and calls require(); an ES module bundle has none of its own.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The report as the bundle prints it: JSON, bigints as `12n` strings. */
function asJson(report: AppReport): unknown {
  return JSON.parse(JSON.stringify(report, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value)));
}

describe('a minified bundle', () => {
  it('is minified: class names are gone and Infinity is written 1/0', () => {
    const text = readFileSync(bundle, 'utf8');
    expect(text).not.toMatch(/class Customer\b/);
    expect(text).not.toMatch(/class DtdeShardError\b/);
    expect(text).toMatch(/=>\w+\.score<1\/0/);
  });

  it('reports the same tables, answers and error names as the app from source', async () => {
    const fromSource = asJson(await runApp(join(dir, 'source.db')));
    const { stdout } = await promisify(execFile)(process.execPath, [bundle, join(dir, 'bundle.db')], { cwd: root });
    const fromBundle = JSON.parse(stdout);
    expect(fromBundle).toEqual(fromSource);
    expect(fromSource).toMatchObject({
      tables: ['Customers_EU', 'Customers_US'],
      answers: { count: 40, belowInfinity: 40, aboveMinusInfinity: 40, withoutEmail: 10, vip: 8, notVip: 32 },
      errors: {
        queryBeforeEnsureCreated: 'DtdeShardError',
        closure: 'DtdeTranslationError',
        firstOfNothing: 'DtdeInvalidOperationError',
        withoutToTable: 'DtdeConfigurationError',
      },
    });
  });
});
