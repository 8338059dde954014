// Runs one benchmark.js Suite per scenario and prints its table: ops/sec ± rme, mean time, and
// each case's ratio to the baseline measured in the same suite.
import { cpus } from 'node:os';
import Benchmark from 'benchmark';

export interface BenchCase {
  /** The label printed in the table. */
  readonly name: string;
  /**
   * `baseline`: the raw driver on one unsharded table. `dtde` (the headline case), `sequential`
   * (dtde with maxParallelShards 1) and `variant` (anything else) are reported as a ratio to the
   * baseline; `plan`, a part of dtde's work, as a share of the `dtde` case's time.
   */
  readonly role: 'baseline' | 'dtde' | 'sequential' | 'variant' | 'plan';
  /** Runs between cycles, outside the timed code (benchmark.js `onCycle`), e.g. to delete files. */
  readonly onCycle?: () => void;
  /** A sync function is timed in benchmark.js's own loop; a promise-returning one as a deferred benchmark. */
  readonly fn: () => unknown;
  readonly async: boolean;
}

export interface SuiteOptions {
  /** Seconds of sampling per case (benchmark.js `maxTime`). */
  readonly maxTime: number;
  /** Samples per case at least, even past `maxTime`. */
  readonly minSamples: number;
}

export interface CaseResult {
  readonly name: string;
  readonly role: BenchCase['role'];
  readonly hz: number;
  readonly rme: number;
  readonly samples: number;
  readonly meanMs: number;
}

/** Reads a positive number from the environment, or the default. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

function toBenchmarkOptions(c: BenchCase, options: SuiteOptions): Benchmark.Options {
  const common = { maxTime: options.maxTime, minSamples: options.minSamples, ...(c.onCycle !== undefined ? { onCycle: c.onCycle } : {}) };
  if (!c.async) return { ...common, fn: c.fn };
  // Deferred: the next call starts when the previous promise settles. A failure stops the run:
  // a figure for a query that throws would be meaningless.
  return {
    ...common,
    defer: true,
    fn: (deferred: { resolve(): void }) => {
      (c.fn() as Promise<unknown>).then(
        () => deferred.resolve(),
        (error: unknown) => {
          console.error(`\n${c.name} failed:`, error);
          process.exit(1);
        },
      );
    },
  };
}

/** Runs the cases one after another (never two at once) and prints the scenario's table. */
export async function runSuite(title: string, cases: readonly BenchCase[], options: SuiteOptions): Promise<CaseResult[]> {
  const suite = new Benchmark.Suite(title);
  for (const c of cases) suite.add(c.name, toBenchmarkOptions(c, options));
  await new Promise<void>((resolve, reject) => {
    suite
      .on('error', (event: Benchmark.Event) => reject((event.target as unknown as Benchmark).error))
      .on('complete', () => resolve())
      .run({ async: true });
  });
  const results = (suite as unknown as Benchmark[]).map((bench, i): CaseResult => {
    const c = cases[i]!;
    return { name: c.name, role: c.role, hz: bench.hz, rme: bench.stats.rme, samples: bench.stats.sample.length, meanMs: bench.stats.mean * 1000 };
  });
  printTable(title, results);
  return results;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printTable(title: string, results: readonly CaseResult[]): void {
  const baseline = results.find((r) => r.role === 'baseline');
  const dtde = results.find((r) => r.role === 'dtde');
  const sequential = results.find((r) => r.role === 'sequential');
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`\n▶ ${title}`);
  for (const r of results) {
    let ratio = '';
    if (r === baseline) ratio = '   1.00× (baseline)';
    else if (r.role === 'plan' && dtde !== undefined) ratio = `  = ${((r.meanMs / dtde.meanMs) * 100).toFixed(1)}% of the dtde query's time`;
    else if (baseline !== undefined) ratio = `  ${(r.hz / baseline.hz).toFixed(2).padStart(6)}× the raw driver`;
    const mean = r.meanMs >= 10_000 ? `${fmt(r.meanMs / 1000, 2)} s` : r.meanMs >= 1 ? `${fmt(r.meanMs, 2)} ms` : `${fmt(r.meanMs * 1000, 1)} µs`;
    console.log(
      `  ${r.name.padEnd(width)}  ${fmt(r.hz, r.hz < 100 ? 1 : 0).padStart(9)} ops/sec ±${r.rme.toFixed(2).padStart(5)}%  ` +
        `${String(r.samples).padStart(3)} samples  mean ${mean.padStart(10)}${ratio}`,
    );
  }
  if (baseline !== undefined && dtde !== undefined) {
    let line = `  → dtde is ${(dtde.hz / baseline.hz).toFixed(2)}× the raw driver`;
    if (sequential !== undefined) line += `; parallel is ${(dtde.hz / sequential.hz).toFixed(2)}× sequential (maxParallelShards 8 vs 1)`;
    console.log(line);
  }
}

/** Node, CPU and benchmark settings, printed once at the top of a run. */
export function describeEnvironment(options: SuiteOptions): string {
  const cpu = cpus();
  return `${Benchmark.platform.toString()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}; benchmark.js ${Benchmark.version}; maxTime ${options.maxTime} s, minSamples ${options.minSamples} per case`;
}
