import { z } from 'zod';
import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { isDtdeProvider, type DtdeProvider } from '../providers/provider.js';
import { DEFAULT_MAX_IDENTIFIER_LENGTH } from '../metadata/identifier.js';
import type { ConnectionRef } from '../metadata/model.js';
import type { LogOption } from './query-log.js';
import type { ShardsBuilder } from '../metadata/shards-builder.js';

/** What a context is constructed with. Later issues add options here and to the schema below. */
export interface DtdeContextOptions {
  /**
   * The database provider: `sqlite({ file: 'shop.db' })`, .... The context owns its driver from
   * then on (`ctx.close()` closes it), so give each context its own provider.
   */
  readonly provider?: DtdeProvider;
  /** Declares the shards: `s => s.addShards('EU', 'US').addShardGroup('years', g => g.addShards('2024'))`. */
  readonly shards?: (s: ShardsBuilder) => ShardsBuilder | void;
  /**
   * A shard-key value in a query that names no shard (`where(c => c.region === 'UK')` with shards
   * EU and US) throws `DtdeRoutingError` naming the value and the shards, instead of answering as
   * if no row matched. Either way the `dtde:query:plan` message says `noShardMatched` and why.
   * Default false: the empty answer is correct, but usually a typo.
   */
  readonly strictRouting?: boolean;
  /** Shard commands run at once per query, at least 1. Default 8. */
  readonly maxParallelShards?: number;
  /** Cancel a query that runs longer than this many milliseconds. No limit by default. */
  readonly queryTimeoutMs?: number;
  /** Longest table, schema or column name accepted. Default 128 (SQL Server); 63 suits PostgreSQL. */
  readonly maxIdentifierLength?: number;
  /**
   * Where the log of saves that span several databases lives (`dtde_tx_log`), as a shard
   * connection (`{ file: 'coordinator.db' }`). Default: the context's own database.
   */
  readonly coordinator?: ConnectionRef;
  /**
   * Finish saves that a stopped process left decided but incomplete (`ctx.recover()`) before
   * this context's first write. Default true.
   */
  readonly recoverOnFirstWrite?: boolean;
  /** The clock saves read their instant from (markers, log entries, temporal versions). Default `() => new Date()`. */
  readonly clock?: () => Date;
  /**
   * Log each shard command this context runs: `['query']` prints SQL, parameters, time and rows;
   * a function receives the events; `{ emit, parameters: false }` leaves the values out. See `LogOption`.
   */
  readonly log?: LogOption;
}

/** The options after validation, defaults applied. */
export interface ResolvedContextOptions {
  readonly provider: DtdeProvider | undefined;
  readonly shards: ((s: ShardsBuilder) => ShardsBuilder | void) | undefined;
  readonly strictRouting: boolean;
  readonly maxParallelShards: number;
  readonly queryTimeoutMs: number | undefined;
  readonly maxIdentifierLength: number;
  readonly coordinator: ConnectionRef | null;
  readonly recoverOnFirstWrite: boolean;
  readonly clock: () => Date;
  readonly log: LogOption | undefined;
}

// What each option must be, in the words of the error message (`expected <this>, got <value>`).
const EXPECTED: Record<keyof DtdeContextOptions, string> = {
  provider: "sqlite({ file: 'shop.db' }) or another dtde provider (an object with a dialect, a driver and databaseId)",
  shards: "a function such as s => s.addShards('EU', 'US')",
  strictRouting: 'true or false',
  maxParallelShards: 'an integer >= 1',
  queryTimeoutMs: 'a positive integer (milliseconds)',
  maxIdentifierLength: 'an integer >= 1',
  coordinator: "a connection, as shards take it ({ file: 'coordinator.db' })",
  recoverOnFirstWrite: 'true or false',
  clock: 'a function returning a Date',
  log: "['query'], ['error'], a function receiving each event, or { emit, parameters: false }",
};

const schema = z.strictObject({
  provider: z.custom<DtdeProvider>(isDtdeProvider).optional(),
  shards: z.custom<(s: ShardsBuilder) => ShardsBuilder | void>((v) => typeof v === 'function').optional(),
  strictRouting: z.boolean().default(false),
  maxParallelShards: z.int().min(1).default(8),
  queryTimeoutMs: z.int().positive().optional(),
  maxIdentifierLength: z.int().min(1).default(DEFAULT_MAX_IDENTIFIER_LENGTH),
  coordinator: z.custom<ConnectionRef>((v) => typeof v === 'object' && v !== null && !Array.isArray(v)).optional(),
  recoverOnFirstWrite: z.boolean().default(true),
  clock: z.custom<() => Date>((v) => typeof v === 'function').optional(),
  log: z.custom<LogOption>(isLogOption).optional(),
});

function isLogOption(v: unknown): boolean {
  const levels = (x: unknown) => Array.isArray(x) && x.every((l) => l === 'query' || l === 'error');
  if (typeof v === 'function' || levels(v)) return true;
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { emit?: unknown; parameters?: unknown };
  return (typeof o.emit === 'function' || levels(o.emit)) && (o.parameters === undefined || typeof o.parameters === 'boolean');
}

/**
 * Validates context options and applies defaults. A wrong option gives one DtdeConfigurationError
 * whose `path` is `options.<name>` and whose message says what was expected and what came.
 *
 * @example
 * parseContextOptions({ maxParallelShards: 0 });
 * // DtdeConfigurationError: options.maxParallelShards: expected an integer >= 1, got 0.
 */
export function parseContextOptions(input: unknown = {}): ResolvedContextOptions {
  const result = schema.safeParse(input);
  if (!result.success) throw toConfigurationError(result.error, input);
  const o = result.data;
  return Object.freeze({
    provider: o.provider,
    shards: o.shards,
    strictRouting: o.strictRouting,
    maxParallelShards: o.maxParallelShards,
    queryTimeoutMs: o.queryTimeoutMs,
    maxIdentifierLength: o.maxIdentifierLength,
    coordinator: o.coordinator ?? null,
    recoverOnFirstWrite: o.recoverOnFirstWrite,
    clock: o.clock ?? (() => new Date()),
    log: o.log,
  });
}

function toConfigurationError(error: z.ZodError, input: unknown): DtdeConfigurationError {
  const messages: string[] = [];
  let firstPath: string | undefined;
  for (const issue of error.issues) {
    const field = issue.path[0];
    let path = 'options';
    let message: string;
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(EXPECTED).join(', ');
      message = `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}; known options are ${known}`;
    } else if (field === undefined) {
      message = `expected an options object, got ${describe(input)}`;
    } else {
      path = `options.${String(field)}`;
      const value = (input as Record<PropertyKey, unknown>)[field];
      message = `expected ${EXPECTED[field as keyof DtdeContextOptions] ?? 'a valid value'}, got ${describe(value)}`;
    }
    firstPath ??= path;
    messages.push(`${path}: ${message}`);
  }
  return new DtdeConfigurationError(`${messages.join('; ')}.`, { path: firstPath, cause: error });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}
