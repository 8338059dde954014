// The API reports of both entries (api/dtde.api.md, api/dtde-provider.api.md), checked by
// `npm run api:check` (part of `npm test`) and rewritten by `npm run api:update`. Emits the
// declarations the package ships (stripInternal) into .tmp/api/dts, then runs API Extractor on each
// entry; a report that differs from the committed one, or a reachable type an entry does not
// export (ae-forgotten-export), fails the check.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import apiExtractor from '@microsoft/api-extractor';

const { Extractor, ExtractorConfig } = apiExtractor;
const update = process.argv.includes('--update');
const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = `${root}.tmp/api`;
const require = createRequire(import.meta.url);

rmSync(`${tmp}/dts`, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', `${tmp}/dts`],
  { cwd: root, stdio: 'inherit' },
);
// What `dtde/provider` is for the report of `dtde`: a package outside it (see dtde.api-extractor.json).
mkdirSync(`${tmp}/node_modules/dtde`, { recursive: true });
writeFileSync(`${tmp}/node_modules/dtde/provider.d.ts`, "export * from '../../dts/provider.js';\n");

let failed = false;
for (const entry of ['dtde', 'dtde-provider']) {
  const config = ExtractorConfig.loadFileAndPrepare(`${root}api/${entry}.api-extractor.json`);
  const result = Extractor.invoke(config, { localBuild: update });
  if (!result.succeeded) {
    failed = true;
    console.error(
      result.apiReportChanged && !update
        ? `api/${entry}.api.md differs from the public API: review the change, run \`npm run api:update\` and commit the report.`
        : `API Extractor found ${result.errorCount} error(s) in the ${entry} entry.`,
    );
  }
}
process.exit(failed ? 1 : 0);
