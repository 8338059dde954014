// Runs one benchmark.js Suite per scenario, prints its table and returns each case's figures:
// the median time of benchmark.js's samples (each sample is one timed cycle's mean), ops/sec and
// the relative margin of error, and each case's ratio to the scenario's baseline measured in the
// same suite (medians over medians).
import { cpus } from 'node:os';
import Benchmark from 'benchmark';

export interface BenchCase {
  /** The label printed in the table and written to the report. */
  readonly name: string;
  /**
   * `baseline`: what the other cases are compared with (the raw driver). `dtde`: a dtde case;
   * `other`: another library or a variant. Ratios are to the baseline.
   */
  readonly role: 'baseline' | 'dtde' | 'other';
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
  /** Median of the samples, in microseconds per operation. */
  readonly medianUs: number;
  readonly meanUs: number;
  readonly hz: number;
  /** Relative margin of error of the mean, in percent (95%). */
  readonly rme: number;
  readonly samples: number;
  /** This case's median over the baseline's median (null without a baseline). */
  readonly ratio: number | null;
}

export interface SuiteResult {
  readonly title: string;
  readonly cases: readonly CaseResult[];
}

function toBenchmarkOptions(c: BenchCase, options: SuiteOptions): Benchmark.Options {
  const common = { maxTime: options.maxTime, minSamples: options.minSamples };
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs the cases one after another (never two at once), prints the table and returns the figures. */
export async function runSuite(title: string, cases: readonly BenchCase[], options: SuiteOptions): Promise<SuiteResult> {
  const suite = new Benchmark.Suite(title);
  for (const c of cases) suite.add(c.name, toBenchmarkOptions(c, options));
  await new Promise<void>((resolve, reject) => {
    suite
      .on('error', (event: Benchmark.Event) => reject((event.target as unknown as Benchmark).error))
      .on('complete', () => resolve())
      .run({ async: true });
  });
  const raw = (suite as unknown as Benchmark[]).map((bench, i) => ({
    name: cases[i]!.name,
    role: cases[i]!.role,
    medianUs: median(bench.stats.sample) * 1e6,
    meanUs: bench.stats.mean * 1e6,
    hz: bench.hz,
    rme: bench.stats.rme,
    samples: bench.stats.sample.length,
  }));
  const baseline = raw.find((r) => r.role === 'baseline');
  const results: CaseResult[] = raw.map((r) => ({ ...r, ratio: baseline === undefined ? null : r.medianUs / baseline.medianUs }));
  printTable(title, results);
  return { title, cases: results };
}

/** `12.3 µs`, `1.23 ms`, `1.23 s`. */
export function formatUs(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(2)} ms`;
  return `${us >= 100 ? us.toFixed(0) : us.toFixed(1)} µs`;
}

function printTable(title: string, results: readonly CaseResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`\n▶ ${title}`);
  for (const r of results) {
    const ratio = r.role === 'baseline' ? '  1.00× (baseline)' : r.ratio === null ? '' : `  ${r.ratio.toFixed(2).padStart(5)}× baseline`;
    console.log(
      `  ${r.name.padEnd(width)}  median ${formatUs(r.medianUs).padStart(10)}  ±${r.rme.toFixed(1).padStart(4)}%  ${String(r.samples).padStart(3)} samples${ratio}`,
    );
  }
}

/** Node, CPU and load, for the report header. */
export function describeMachine(): { node: string; cpu: string; cores: number } {
  const cpu = cpus();
  return { node: process.version, cpu: cpu[0]?.model.trim() ?? 'unknown CPU', cores: cpu.length };
}
