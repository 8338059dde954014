import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shopData } from './support/shop-data.js';

// A script that queries and forgets ctx.close() must still end when its work is done: idle read
// connections close after idleTimeoutMs (30 s by default) but must not hold the event loop open
// until then. The script runs as plain JavaScript in a child process, compiled here with tsc's API
// (the same emit as `npm run build`), so nothing of the test runner keeps it alive or ends it.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const script = join(repoRoot, 'tests/e2e/support/query-without-close.ts');
/** Far below the 30 s idle timeout and far above the script's own work: a bound, not a speed check. */
const EXIT_LIMIT_MS = 10_000;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dtde-exit-'));
  const outDir = join(work, 'build');
  const program = ts.createProgram([script], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    esModuleInterop: true,
    skipLibCheck: true,
    // Type checking is `npm run typecheck`'s job (it covers these files); here we only need the emit.
    noCheck: true,
    types: [],
    rootDir: repoRoot,
    outDir,
  });
  const emitted = program.emit();
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getOptionsDiagnostics(), ...emitted.diagnostics];
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  // The output needs what the repo gives the sources: ESM package type and node_modules.
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
});
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

interface ChildEnd {
  readonly exited: boolean;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the compiled script; kills it if it is still running after `limitMs`. */
function runScript(dataDir: string, limitMs: number): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(work, 'build/tests/e2e/support/query-without-close.js'), dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let exited = true;
    const timer = setTimeout(() => {
      exited = false;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exited, code, stdout, stderr });
    });
  });
}

it('a script that queries and never closes its context exits once its work is done', async () => {
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const end = await runScript(dataDir, EXIT_LIMIT_MS);

  expect(end.stderr).toBe('');
  expect(end.exited, `the script was still running ${EXIT_LIMIT_MS} ms after it started; stdout: ${end.stdout}`).toBe(true);
  expect(end.code).toBe(0);
  const data = shopData();
  expect(JSON.parse(end.stdout)).toEqual({ orders: data.orders.length, page: 5, anyBig: data.orders.some((o) => o.total > 100) });
});
