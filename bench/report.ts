// The run's figures as data (bench/results/latest.json) and as Markdown (bench/results/latest.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type CaseResult, describeMachine, formatUs, type SuiteResult } from './run-suite.js';

/** A free-form table (rows read per page, heap growth...). */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** One target of the performance issue and what this run measured for it. */
export interface TargetResult {
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  /** Null when the run cannot say (a figure to report, not a threshold). */
  readonly met: boolean | null;
}

export interface Report {
  readonly mode: 'full' | 'quick';
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly loadAverage: number[];
  readonly rowCounts: Record<string, number>;
  /** Interleaved rounds per suite (see `runSuite`). */
  rounds: number;
  readonly suites: SuiteResult[];
  readonly tables: Table[];
  readonly targets: TargetResult[];
  readonly notes: string[];
}

export function newReport(mode: Report['mode']): Report {
  return {
    mode,
    date: new Date().toISOString(),
    ...describeMachine(),
    loadAverage: [],
    rowCounts: {},
    rounds: 0,
    suites: [],
    tables: [],
    targets: [],
    notes: [],
  };
}

/** The case of a suite by name prefix; throws when missing (a renamed case must not vanish silently). */
export function caseOf(suite: SuiteResult, prefix: string): CaseResult {
  const found = suite.cases.find((c) => c.name.startsWith(prefix));
  if (found === undefined) throw new Error(`no case starting with "${prefix}" in "${suite.title}"`);
  return found;
}

export const ratio = (n: number): string => `${n.toFixed(2)}×`;

function suiteMarkdown(suite: SuiteResult): string {
  const lines = [`### ${suite.title}`, '', '| case | median | ± | samples | × baseline |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const c of suite.cases) {
    const r = c.role === 'baseline' ? '1.00 (baseline)' : c.ratio === null ? '' : c.ratio.toFixed(2);
    lines.push(`| ${c.name} | ${formatUs(c.medianUs)} | ${c.rme.toFixed(1)}% | ${c.samples} | ${r} |`);
  }
  return lines.join('\n');
}

export function tableMarkdown(table: Table): string {
  return [
    `### ${table.title}`,
    '',
    `| ${table.columns.join(' | ')} |`,
    `| ${table.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function targetsMarkdown(targets: readonly TargetResult[]): string {
  return [
    '| target | goal | measured | met |',
    '| --- | --- | --- | :---: |',
    ...targets.map((t) => `| ${t.target} | ${t.goal} | ${t.measured} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`),
  ].join('\n');
}

export function writeReport(report: Report, folder: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const rows = Object.entries(report.rowCounts)
    .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
    .join(', ');
  const md = [
    `# dtde benchmark (${report.mode} run)`,
    '',
    `- date: ${report.date}`,
    `- Node ${report.node}; CPU: ${report.cores} × ${report.cpu}; load average at start ${report.loadAverage.map((l) => l.toFixed(2)).join(' / ')}`,
    `- rows: ${rows}`,
    `- each suite runs its cases in ${report.rounds} interleaved rounds of benchmark.js sampling; a time is the median over rounds of the round's median sample, a ratio the median over rounds of the two cases' ratio in the same round`,
    '',
    '## Targets',
    '',
    targetsMarkdown(report.targets),
    '',
    '## Scenarios',
    '',
    ...report.suites.map((s) => `${suiteMarkdown(s)}\n`),
    ...report.tables.map((t) => `${tableMarkdown(t)}\n`),
    ...(report.notes.length > 0 ? ['## Notes', '', ...report.notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
  writeFileSync(path.join(folder, 'latest.md'), md);
}
