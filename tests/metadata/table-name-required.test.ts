import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/metadata/model-builder.js';
import { configError } from './expect-config-error.js';

// A minifier renames classes (`Customer` becomes `Ge`), so a table name taken from the class name
// would silently differ between the source app and its bundle. Every table is named explicitly.
class Customer {
  id!: number;
  region!: string;
}

describe('table names are explicit', () => {
  it('an entity without toTable is a configuration error naming the entity and the fix', () => {
    const error = configError(() =>
      new ModelBuilder()
        .entity(Customer, (e) => {
          e.key((c) => c.id);
          e.property((c) => c.id).int();
        })
        .build(),
    );
    expect(error.path).toBe('Customer.toTable');
    expect(error.message).toBe(
      "Customer.toTable: no table name; call e.toTable('Name') in mb.entity(Customer, e => ...). " +
        'dtde never derives a table name from the class name, because minifiers rename classes.',
    );
  });

  it('still fails when the class name is minified, naming the class as it is then', () => {
    const Ge = class {
      id!: number;
    };
    const error = configError(() =>
      new ModelBuilder()
        .entity(Ge, (e) => {
          e.key((c) => c.id);
          e.property((c) => c.id).int();
        })
        .build(),
    );
    expect(error.message).toContain("Ge.toTable: no table name; call e.toTable('Name')");
  });

  it('manual sharding names its tables itself and needs no toTable', () => {
    const model = new ModelBuilder()
      .entity(Customer, (e) => {
        e.key((c) => c.id);
        e.property((c) => c.id).int();
        e.useManualSharding((m) => m.addTable('dbo.CustomersOld', (c) => c.id < 10).addTable('dbo.CustomersNew', (c) => c.id >= 10));
      })
      .build();
    expect(model.entities.get(Customer)!.table).toEqual({ name: 'CustomersOld', schema: 'dbo' });
  });

  it('toTable names the table', () => {
    const model = new ModelBuilder()
      .entity(Customer, (e) => {
        e.toTable('Customers');
        e.key((c) => c.id);
        e.property((c) => c.id).int();
      })
      .build();
    expect(model.entities.get(Customer)!.table).toEqual({ name: 'Customers' });
  });
});
