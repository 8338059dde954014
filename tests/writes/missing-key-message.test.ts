import { describe, expect, it } from 'vitest';
import { DtdeValidationError } from '../../src/errors/dtde-validation-error.js';
import { entityRowSchema } from '../../src/writes/entity-row-schema.js';
import { ModelBuilder } from '../../src/metadata/model-builder.js';

// "declare it nullable" is the fix for an ordinary required property, but a key cannot be
// nullable: a row without its primary key or its shard key needs the value, or (for a primary key)
// the database to generate it.

class Line {
  orderId!: number;
  lineNo!: number;
  region!: string;
  note!: string;
}

const model = new ModelBuilder()
  .entity(Line, (e) => {
    e.toTable('Lines');
    e.key((l) => [l.orderId, l.lineNo]);
    e.property((l) => l.orderId).int();
    e.property((l) => l.lineNo).int();
    e.property((l) => l.region).string(8);
    e.property((l) => l.note).string(100);
    e.shardBy((l) => l.region);
  })
  .build()
  .entities.get(Line)!;

function messageFor(row: Partial<Line> | Record<string, unknown>): string {
  try {
    entityRowSchema(model).check(row, 3, 'bulkInsert');
  } catch (error) {
    expect(error).toBeInstanceOf(DtdeValidationError);
    return (error as Error).message;
  }
  throw new Error('expected a DtdeValidationError');
}

describe('a missing key in a loaded row', () => {
  it('a missing primary key column says what a key needs, not nullable()', () => {
    const message = messageFor({ lineNo: 1, region: 'EU', note: 'x' });
    expect(message).toBe(
      "bulkInsert(Line): row 3: property 'orderId' is missing, but it is part of the primary key, which every row needs; " +
        'set it to an integer from -2147483648 to 2147483647 (int). A key cannot be nullable.',
    );
  });

  it('a single integer key also offers generated(), which lets the database assign it', () => {
    class Note {
      id!: number;
      text!: string;
    }
    const note = new ModelBuilder()
      .entity(Note, (e) => {
        e.toTable('Notes');
        e.key((n) => n.id);
        e.property((n) => n.id).int();
        e.property((n) => n.text).string();
      })
      .build()
      .entities.get(Note)!;
    expect(() => entityRowSchema(note).check({ text: 'x' }, 0, 'bulkInsert')).toThrow(
      "bulkInsert(Note): row 0: property 'id' is missing, but it is the primary key, which every row needs; set it to an integer from " +
        '-2147483648 to 2147483647 (int). A key cannot be nullable; to have the database assign it, configure it with generated() ' +
        '(e.property(x => x.id).int().generated()).',
    );
  });

  it('a null primary key says the same', () => {
    expect(messageFor({ orderId: null, lineNo: 1, region: 'EU', note: 'x' })).toContain(
      "property 'orderId' is null, but it is part of the primary key",
    );
  });

  it('a missing shard key says that it decides the shard', () => {
    const message = messageFor({ orderId: 1, lineNo: 1, note: 'x' });
    expect(message).toBe(
      "bulkInsert(Line): row 3: property 'region' is missing, but it is the shard key, which decides the shard the row is written to; " +
        'set it to a string of at most 8 characters. A shard key cannot be nullable.',
    );
  });

  it('an ordinary required property still offers nullable()', () => {
    expect(messageFor({ orderId: 1, lineNo: 1, region: 'EU' })).toContain('or declare it nullable (e.property(x => x.note).nullable())');
  });
});
