// Runs each scenario's cases with benchmark.js in interleaved rounds, prints its table and returns
// each case's figures. A round times every case once (benchmark.js samples for `maxTime / rounds`
// seconds), in a rotated order; a case's time is the median over rounds of its round medians, and
// its ratio to another case is the median over rounds of the two cases' ratio in the same round.
// On a shared VM whose speed drifts by tens of percent within a minute, timing case A for seconds
// and then case B compares two machines; cases measured side by side in each round compare one.
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
  /** Seconds of sampling per case in all, split over the rounds (benchmark.js `maxTime` per round). */
  readonly maxTime: number;
  /** Samples per case and round at least, even past its share of `maxTime`. */
  readonly minSamples: number;
  /** Interleaved rounds (default 5). */
  readonly rounds?: number;
}

export interface CaseResult {
  readonly name: string;
  readonly role: BenchCase['role'];
  /** Median over rounds of the round's median sample, in microseconds per operation. */
  readonly medianUs: number;
  /** Each round's median sample, in round order (see `relative`). */
  readonly roundsUs: readonly number[];
  /** Relative margin of error of the mean, in percent (95%): the median over rounds. */
  readonly rme: number;
  /** Samples over all rounds. */
  readonly samples: number;
  /** `relative(this case, baseline)` (null without a baseline). */
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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * How many times slower `a` is than `b`: the median over rounds of `a`'s round time over `b`'s in
 * the same round. Both must come from one suite (the same rounds).
 */
export function relative(a: CaseResult, b: CaseResult): number {
  if (a.roundsUs.length !== b.roundsUs.length) throw new Error(`"${a.name}" and "${b.name}" were not measured in the same rounds`);
  return median(a.roundsUs.map((us, i) => us / b.roundsUs[i]!));
}

/** Runs one benchmark.js benchmark to its end. */
function runBenchmark(bench: Benchmark): Promise<Benchmark> {
  return new Promise((resolve, reject) => {
    bench
      .on('error', () => reject(bench.error))
      .on('complete', () => resolve(bench))
      .run({ async: true });
  });
}

/**
 * Runs the cases in interleaved rounds (never two at once; round r starts at case r, so no case is
 * always first after a pause), prints the table and returns the figures.
 */
export async function runSuite(title: string, cases: readonly BenchCase[], options: SuiteOptions): Promise<SuiteResult> {
  const rounds = options.rounds ?? 5;
  const perRound = { ...options, maxTime: options.maxTime / rounds };
  const runs = cases.map(() => [] as Benchmark[]);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (round + k) % cases.length;
      runs[i]!.push(await runBenchmark(new Benchmark(cases[i]!.name, toBenchmarkOptions(cases[i]!, perRound))));
    }
  }
  const raw = runs.map((benches, i) => {
    const roundsUs = benches.map((bench) => median(bench.stats.sample) * 1e6);
    return {
      name: cases[i]!.name,
      role: cases[i]!.role,
      medianUs: median(roundsUs),
      roundsUs,
      rme: median(benches.map((bench) => bench.stats.rme)),
      samples: benches.reduce((n, bench) => n + bench.stats.sample.length, 0),
    };
  });
  const baseline = raw.find((r) => r.role === 'baseline');
  const results: CaseResult[] = raw.map((r) => ({ ...r, ratio: null }));
  const withRatios = baseline === undefined ? results : results.map((r) => ({ ...r, ratio: relative(r, { ...baseline, ratio: null }) }));
  printTable(title, withRatios);
  return { title, cases: withRatios };
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
