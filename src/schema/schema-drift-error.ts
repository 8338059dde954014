import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { EntityModel } from '../metadata/model.js';

/** How one existing table differs from its entity's model, by column name. */
export interface TableDrift {
  readonly entity: EntityModel;
  /** The table as the message shows it (`Customers_EU`, or `Orders (shard years::2024)`). */
  readonly table: string;
  /** Columns the model maps that the table lacks. */
  readonly missing: readonly string[];
  /** Columns the table has that the model does not map. */
  readonly extra: readonly string[];
}

/**
 * The error `ensureCreated` raises when existing tables do not match the model: each entity with
 * its tables, the columns they lack and those the model does not map (tables that differ alike
 * are listed together), then what to do. dtde does not alter tables (migrations come later).
 *
 * @example
 * schemaDriftError([{ entity: customer, table: 'Customers_EU', missing: ['email'], extra: [] }]).message;
 * // ensureCreated: existing tables do not match the model, ... Customer: table Customers_EU lacks column email. ...
 */
export function schemaDriftError(drifts: readonly TableDrift[]): DtdeConfigurationError {
  const groups = new Map<string, { drift: TableDrift; tables: string[] }>();
  for (const drift of drifts) {
    const key = JSON.stringify([drift.entity.name, drift.missing, drift.extra]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { drift, tables: [drift.table] });
    else group.tables.push(drift.table);
  }
  const lines = [...groups.values()].map(({ drift, tables }) => {
    const many = tables.length > 1;
    const columns = (names: readonly string[]) => `column${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
    const parts: string[] = [];
    if (drift.missing.length > 0) parts.push(`${many ? 'lack' : 'lacks'} ${columns(drift.missing)}`);
    if (drift.extra.length > 0) parts.push(`${many ? 'have' : 'has'} ${columns(drift.extra)}, which the model does not map`);
    return `${drift.entity.name}: ${many ? 'tables' : 'table'} ${tables.join(', ')} ${parts.join(' and ')}.`;
  });
  return new DtdeConfigurationError(
    'ensureCreated: existing tables do not match the model, and queries or loads on them would fail. ' +
      `${lines.join(' ')} ` +
      'dtde does not alter existing tables yet (migrations come later): change the tables to match the model ' +
      '(ALTER TABLE ... ADD COLUMN for a missing column, DROP COLUMN for an extra one), or drop them with ctx.ensureDeleted() ' +
      '(their rows are lost) and run ensureCreated again.',
    { path: drifts[0]?.entity.name },
  );
}
