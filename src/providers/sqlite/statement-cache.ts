import type Database from 'better-sqlite3';

/** Counters shared by every statement cache of a driver; read by tests and diagnostics. */
export interface StatementCacheStats {
  /** Statements compiled by SQLite (cache misses, plus statements prepared because the cached one was busy). */
  prepared: number;
  /** Statements served from a cache. */
  hits: number;
  /** Statements dropped because the cache was full. */
  evictions: number;
}

export function createStatementCacheStats(): StatementCacheStats {
  return { prepared: 0, hits: 0, evictions: 0 };
}

/**
 * Prepared statements of one connection, by SQL text, least recently used evicted first.
 * Preparing is the costly part of a small query, and shard queries repeat the same text.
 */
export class StatementCache {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest entry first.
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly capacity: number,
    private readonly stats: StatementCacheStats,
  ) {}

  /** The cached statement for `sql`, or a freshly prepared one (cached if there is room). */
  prepare(sql: string): Database.Statement {
    const cached = this.statements.get(sql);
    // A statement that is iterating cannot run again until its iterator ends: prepare a twin.
    if (cached !== undefined && !cached.busy) {
      this.stats.hits += 1;
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.db.prepare(sql);
    this.stats.prepared += 1;
    if (cached === undefined && this.capacity > 0) {
      if (this.statements.size >= this.capacity) {
        const oldest = this.statements.keys().next();
        if (oldest.done !== true) {
          this.statements.delete(oldest.value);
          this.stats.evictions += 1;
        }
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }

  get size(): number {
    return this.statements.size;
  }

  clear(): void {
    this.statements.clear();
  }
}
