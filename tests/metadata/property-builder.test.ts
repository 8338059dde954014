import { describe, expect, it } from 'vitest';
import { PropertyBuilder } from '../../src/metadata/property-builder.js';
import { configError } from './expect-config-error.js';

const prop = (name = 'total') => new PropertyBuilder('Order', name);

describe('PropertyBuilder', () => {
  it.each([
    ['int', (p: PropertyBuilder) => p.int(), { kind: 'int' }],
    ['bigint', (p: PropertyBuilder) => p.bigint(), { kind: 'bigint' }],
    ['decimal', (p: PropertyBuilder) => p.decimal(18, 2), { kind: 'decimal', precision: 18, scale: 2 }],
    ['string', (p: PropertyBuilder) => p.string(), { kind: 'string' }],
    ['string(n)', (p: PropertyBuilder) => p.string(200), { kind: 'string', maxLength: 200 }],
    ['boolean', (p: PropertyBuilder) => p.boolean(), { kind: 'boolean' }],
    ['dateTime', (p: PropertyBuilder) => p.dateTime(), { kind: 'dateTime' }],
    ['uuid', (p: PropertyBuilder) => p.uuid(), { kind: 'uuid' }],
  ])('%s()', (_, configure, type) => {
    expect(configure(prop()).build()).toEqual({ name: 'total', column: 'total', type, nullable: false, generated: false });
  });

  it('chains nullable, column and generated; a later type replaces an earlier one', () => {
    const p = prop().int().nullable().column('TotalAmount').generated().decimal(10, 0);
    expect(p.build()).toEqual({
      name: 'total',
      column: 'TotalAmount',
      type: { kind: 'decimal', precision: 10, scale: 0 },
      nullable: true,
      generated: true,
    });
    expect(prop().int().nullable().nullable(false).generated().generated(false).build()).toMatchObject({
      nullable: false,
      generated: false,
    });
  });

  it('refuses a property without a type', () => {
    const error = configError(() => prop().nullable().build());
    expect(error.message).toBe(
      'Order.total: no column type; call one of int(), bigint(), decimal(p, s), string(maxLength?), boolean(), dateTime(), uuid() on it.',
    );
    expect(error.path).toBe('Order.total');
  });

  it('refuses bad decimal and string arguments', () => {
    expect(configError(() => prop().decimal(0, 0)).message).toBe('Order.total: decimal(0, 0): precision must be an integer from 1 to 38.');
    expect(configError(() => prop().decimal(39, 2)).message).toContain('precision must be an integer from 1 to 38');
    expect(configError(() => prop().decimal(10, 11)).message).toBe(
      'Order.total: decimal(10, 11): scale must be an integer from 0 to the precision (10).',
    );
    expect(configError(() => prop().decimal(10, -1)).message).toContain('scale must be an integer');
    expect(configError(() => prop().string(0)).message).toBe(
      'Order.total: string(0): maxLength must be a positive integer, or omitted for unbounded text.',
    );
    expect(configError(() => prop().string(1.5)).message).toContain('string(1.5)');
  });

  it('validates column names, from column() and from the property name', () => {
    expect(configError(() => prop().column('Total Amount')).message).toBe(
      "Order.total: column name 'Total Amount' is not a safe SQL identifier; use only ASCII letters, digits and underscore.",
    );
    expect(configError(() => prop('$total').int().build()).message).toBe(
      "Order.$total: column name '$total' is not a safe SQL identifier; use only ASCII letters, digits and underscore; map the property with column('Name').",
    );
    expect(prop('$total').int().column('total').build().column).toBe('total');
    expect(configError(() => new PropertyBuilder('Order', 'x', 3).column('abcd')).message).toContain('over the limit of 3');
  });
});
