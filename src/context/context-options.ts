import { z } from 'zod';
import { optionsError } from '../errors/options-error.js';
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

/** What each option must be, in the words of an error message (`maxParallelShards must be <this>; got …`). */
const PHRASES: Readonly<Record<'' | keyof DtdeContextOptions, string>> = {
  '': 'an object such as { provider, shards }',
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
 * whose `path` is `options.<name>` and whose message names the option, what it must be and what
 * came; `call` names the constructor in it.
 *
 * @example
 * parseContextOptions({ maxParallelShards: 0 }, 'new ShopContext');
 * // DtdeConfigurationError: new ShopContext({ maxParallelShards }): maxParallelShards must be an integer >= 1; got the number 0.
 */
export function parseContextOptions(input: unknown = {}, call = 'new DtdeContext'): ResolvedContextOptions {
  const result = schema.safeParse(input);
  if (!result.success) throw optionsError(call, input, result.error, PHRASES);
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
