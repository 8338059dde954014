import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { DtdeContext } from '../../src/context/dtde-context.js';
import type { ModelBuilder } from '../../src/metadata/model-builder.js';

export class Customer {
  id!: number;
  region!: string;
  name!: string;
  createdAt!: Date;
  note!: string | null;
}

export class Order {
  id!: number;
  customerId!: number;
  orderDate!: Date;
  total!: number;
  paid!: boolean;
}

export class Setting {
  key!: string;
  value!: bigint;
}

export class Archived {
  id!: number;
  year!: number;
}

/**
 * Customers by region in table shards (`Customers_EU` …), orders by year in database shards (one
 * file per year, table `Orders`), settings unsharded, and a manual entity over pre-existing tables.
 */
export class ShopContext extends DtdeContext {
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(20);
      e.property((c) => c.createdAt).dateTime();
      e.property((c) => c.note).string().nullable();
      e.shardBy((c) => c.region);
    });
    mb.entity(Order, (e) => {
      e.toTable('Orders');
      e.key((o) => o.id);
      e.property((o) => o.id).int().generated();
      e.property((o) => o.customerId).int();
      e.property((o) => o.orderDate).dateTime();
      e.property((o) => o.total).decimal(10, 2);
      e.property((o) => o.paid).boolean();
      e.shardByDate((o) => o.orderDate, 'year').useShardGroup('years').withStorageMode('databases');
    });
    mb.entity(Setting, (e) => {
      e.toTable('Settings');
      e.key((s) => s.key);
      e.property((s) => s.key).string(50);
      e.property((s) => s.value).bigint();
    });
    mb.entity(Archived, (e) => {
      e.key((a) => a.id);
      e.property((a) => a.id).int();
      e.property((a) => a.year).int();
      e.useManualSharding((m) => m.addTable('Archive_2023', (a) => a.year === 2023));
    });
  }
}

/** A temp folder per test; contexts made with `context()` are closed and the folder removed after it. */
export function useContextFolder(): {
  folder(): string;
  file(name: string): string;
  track<C extends DtdeContext>(ctx: C): C;
} {
  let current: string | undefined;
  const contexts: DtdeContext[] = [];
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    if (current !== undefined) rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  const folder = (): string => (current ??= mkdtempSync(path.join(tmpdir(), 'dtde-schema-')));
  return {
    folder,
    file: (name) => path.join(folder(), name),
    track: (ctx) => {
      contexts.push(ctx);
      return ctx;
    },
  };
}

/** The user tables of a SQLite file (read with better-sqlite3 directly), sorted; [] when the file does not exist. */
export function tablesIn(file: string): string[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    return (rows as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

/** The database files in a folder (without -wal/-shm companions), sorted. */
export function databaseFiles(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.endsWith('.db')).sort();
}

/** Runs `sql` on a file with better-sqlite3 directly (outside dtde). */
export function execIn(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** The columns of a table as `name TYPE [NOT NULL] [PKn]`, read with better-sqlite3 directly. */
export function columnsOf(file: string, table: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string; type: string; notnull: number; pk: number }[];
    return rows.map((c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.pk ? ` PK${c.pk}` : ''}`);
  } finally {
    db.close();
  }
}

/** All rows of a table, read with better-sqlite3 directly. */
export function rowsOf(file: string, table: string, orderBy = 'rowid'): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM "${table}" ORDER BY ${orderBy}`).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

