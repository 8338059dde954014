import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Compiles TypeScript entry files (and what they import) to JavaScript in a fresh temp folder, for
 * tests that run a script as a plain Node child process (crash tests, process exit). Uses tsc's API
 * with the build's settings; type checking is `npm run typecheck`'s job. Returns the folder and a
 * function giving the compiled path of a source file.
 */
export function compileForNode(entries: readonly string[], prefix = 'dtde-node-'): { dir: string; compiled(source: string): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const outDir = join(dir, 'build');
  const program = ts.createProgram(
    entries.map((e) => join(repoRoot, e)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      esModuleInterop: true,
      skipLibCheck: true,
      noCheck: true,
      types: [],
      rootDir: repoRoot,
      outDir,
    },
  );
  const emitted = program.emit();
  const problems = [...program.getSyntacticDiagnostics(), ...program.getOptionsDiagnostics(), ...emitted.diagnostics];
  if (problems.length > 0) {
    throw new Error(
      `compiling ${entries.join(', ')} failed: ${problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`,
    );
  }
  // The output needs what the repository gives the sources: the ESM package type and node_modules.
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return { dir, compiled: (source) => join(outDir, relative(repoRoot, join(repoRoot, source))).replace(/\.ts$/, '.js') };
}
