import diagnosticsChannel from 'node:diagnostics_channel';
import { QUERY_SHARD_CHANNEL, type QueryShardMessage } from '../execution/diagnostics.js';

/** What the `log` option reports: every shard command, and the ones that failed. */
export type LogLevel = 'query' | 'error';

/** One shard command as the `log` option reports it. */
export interface QueryLogEvent {
  /** `error` when the command failed (not when dtde cancelled it). */
  readonly level: LogLevel;
  /** `group::id` outside the default group. */
  readonly shardId: string;
  readonly sql: string;
  /** The bound values in order; absent with `log: { parameters: false }`. */
  readonly parameters?: readonly unknown[];
  readonly durationMs: number;
  readonly rowCount: number;
  readonly error?: unknown;
}

/**
 * The `log` context option (Kysely's and Prisma's are the models):
 * - `['query']` prints every shard command with its SQL, parameters, time and rows to the console;
 *   `['error']` only failed ones;
 * - a function receives each event instead;
 * - `{ emit, parameters: false }` does either without the parameter values (they may hold personal data).
 *
 * @example
 * new ShopContext({ provider, log: ['query'] });
 * new ShopContext({ provider, log: (e) => logger.debug(e), });
 * new ShopContext({ provider, log: { emit: ['query'], parameters: false } });
 */
export type LogOption =
  | readonly LogLevel[]
  | ((event: QueryLogEvent) => void)
  | { readonly emit: readonly LogLevel[] | ((event: QueryLogEvent) => void); readonly parameters?: boolean };

/**
 * Subscribes the `log` option of one context to `dtde:query:shard`, keeping only the commands that
 * context ran. Returns the unsubscribe function (the context calls it on close).
 */
export function subscribeQueryLog(option: LogOption, source: object): () => void {
  const { emit, parameters } =
    typeof option === 'function' || Array.isArray(option)
      ? { emit: option, parameters: true }
      : (option as Exclude<LogOption, readonly LogLevel[] | ((event: QueryLogEvent) => void)>);
  const handler = typeof emit === 'function' ? emit : printer(emit as readonly LogLevel[]);
  const onMessage = (message: unknown): void => {
    const m = message as QueryShardMessage;
    if (m.source !== source) return;
    const event: QueryLogEvent = {
      level: m.error !== undefined ? 'error' : 'query',
      shardId: m.shardId,
      sql: m.sql,
      ...(parameters !== false && m.parameters !== undefined ? { parameters: m.parameters } : {}),
      durationMs: m.durationMs,
      rowCount: m.rowCount,
      ...(m.error !== undefined ? { error: m.error } : {}),
    };
    handler(event);
  };
  diagnosticsChannel.subscribe(QUERY_SHARD_CHANNEL, onMessage);
  return () => diagnosticsChannel.unsubscribe(QUERY_SHARD_CHANNEL, onMessage);
}

function printer(levels: readonly LogLevel[]): (event: QueryLogEvent) => void {
  return (event) => {
    if (!levels.includes(event.level) && !(event.level === 'error' && levels.includes('query'))) return;
    const rows = `${event.rowCount} ${event.rowCount === 1 ? 'row' : 'rows'}`;
    const values = event.parameters === undefined ? '' : ` -- parameters: [${event.parameters.map(showValue).join(', ')}]`;
    const failed = event.level === 'error' ? ` FAILED: ${event.error instanceof Error ? event.error.message : String(event.error)}` : '';
    const line = `dtde:query ${event.shardId} ${event.durationMs.toFixed(1)} ms, ${rows}${failed}\n  ${event.sql}${values}`;
    if (event.level === 'error') console.error(line);
    else console.log(line);
  };
}

function showValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return JSON.stringify(value) ?? String(value);
}
