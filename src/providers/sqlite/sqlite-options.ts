import path from 'node:path';
import { z } from 'zod';
import { DtdeConfigurationError } from '../../errors/dtde-configuration-error.js';
import { optionsError } from '../../errors/options-error.js';
import type { ConnectionRef } from '../../metadata/model.js';

/** Rejected because several connections to one in-memory database would each see a different database. */
const notInMemory = (file: string): boolean => file !== ':memory:' && !file.startsWith('file:');

const fileSchema = z.string().min(1, 'must be a file path').refine(notInMemory, 'in-memory and URI databases cannot be pooled');

/**
 * Options of `sqlite({ file, ... })`. Only `file` is required; `sqlite()` validates them and throws
 * `DtdeConfigurationError` naming a bad one.
 *
 * @example
 * ```ts
 * sqlite({ file: './data/app.db', readPoolSize: 8, busyTimeoutMs: 2000 })
 * ```
 */
export interface SqliteOptions {
  /**
   * The context's own database file. Relative paths resolve against the working directory; shard
   * files (`{ file: 'eu.db' }`) resolve against this file's folder. Must be a file path: in-memory
   * (`:memory:`) and URI (`file:…`) databases cannot be pooled.
   */
  readonly file: string;
  /**
   * Read connections per database file, 1 to 256; default 8. A merge keeps one stream open per
   * shard, and table-mode shards share a file, so this bounds how many shards of one file stream at
   * once (`maxParallelShards` is checked against it).
   */
  readonly readPoolSize?: number;
  /** Milliseconds a statement waits for a lock held by another connection or process before failing; default 5000. */
  readonly busyTimeoutMs?: number;
  /** Milliseconds a query waits for a free read connection before failing with `poolExhausted`; default 30000. */
  readonly acquireTimeoutMs?: number;
  /** Milliseconds after which an idle read connection is closed; default 30000. */
  readonly idleTimeoutMs?: number;
  /** Prepared statements kept per connection, least recently used evicted; 0 disables the cache; default 200. */
  readonly statementCacheSize?: number;
  /** Rows read per batch before a stream yields to the event loop; default 256. */
  readonly batchSize?: number;
}

/**
 * How `SqliteOptions` are validated, with their defaults. Kept in step with the interface by
 * tests/providers/sqlite/sqlite-options.types.test.ts. Every number must be an integer.
 */
export const sqliteOptionsSchema = z.strictObject({
  file: fileSchema,
  readPoolSize: z.int().min(1).max(256).default(8),
  busyTimeoutMs: z.int().min(0).default(5000),
  acquireTimeoutMs: z.int().min(1).default(30_000),
  idleTimeoutMs: z.int().min(1).default(30_000),
  statementCacheSize: z.int().min(0).default(200),
  batchSize: z.int().min(1).default(256),
});

/** The options with every default filled in. */
export type ResolvedSqliteOptions = z.output<typeof sqliteOptionsSchema>;

/**
 * A shard's `ConnectionRef` for SQLite: `{ file: 'eu.db' }`. A relative path resolves against the
 * folder of the context's own file, so a sharded database is one folder that can be moved whole.
 */
export const sqliteConnectionSchema = z.strictObject({ file: fileSchema });

export type SqliteConnectionRef = z.output<typeof sqliteConnectionSchema>;

/** What each option must be, in the words of an error message (`file must be <this>; got …`). */
const PHRASES: Readonly<Record<'' | keyof SqliteOptions, string>> = {
  '': "an object such as { file: './data/app.db' }",
  file: "a path string such as './data/app.db'",
  readPoolSize: 'an integer from 1 to 256',
  busyTimeoutMs: 'an integer >= 0 (milliseconds)',
  acquireTimeoutMs: 'an integer >= 1 (milliseconds)',
  idleTimeoutMs: 'an integer >= 1 (milliseconds)',
  statementCacheSize: 'an integer >= 0 (0 disables the cache)',
  batchSize: 'an integer >= 1',
};

/**
 * Validates `sqlite()` options; throws `DtdeConfigurationError` naming the bad option, e.g.
 * `sqlite({ file }): file must be a path string such as './data/app.db'; got the number 5.`
 */
export function parseSqliteOptions(input: unknown): ResolvedSqliteOptions {
  const result = sqliteOptionsSchema.safeParse(input);
  if (!result.success) throw optionsError('sqlite', input, result.error, PHRASES, 'sqlite options');
  return result.data;
}

/** Validates a shard's `ConnectionRef` for SQLite; throws `DtdeConfigurationError` if it is not `{ file }`. */
export function parseSqliteConnection(connection: ConnectionRef): SqliteConnectionRef {
  const result = sqliteConnectionSchema.safeParse(connection);
  if (!result.success) {
    throw new DtdeConfigurationError(
      `Invalid SQLite shard connection ${describeRef(connection)}: ${z.prettifyError(result.error)}. ` +
        `A SQLite shard lives in a file: addShard('EU', { file: 'eu.db' }).`,
      { path: 'shard connection', cause: result.error },
    );
  }
  return result.data;
}

/** The absolute path of the database file a connection names (`null`: the context's own file). */
export function resolveSqliteFile(connection: ConnectionRef | null, options: ResolvedSqliteOptions): string {
  const ownFile = path.resolve(options.file);
  if (connection === null) return ownFile;
  return path.resolve(path.dirname(ownFile), parseSqliteConnection(connection).file);
}

function describeRef(connection: ConnectionRef): string {
  try {
    return JSON.stringify(connection);
  } catch {
    return String(connection);
  }
}
