import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../../src/errors/dtde-translation-error.js';
import { parseMemberLambda } from '../../../src/linq/parse/parse-member-lambda.js';

interface Customer {
  tenantId: number;
  id: number;
  name: string;
  address: { city: string };
}

function rejection(fn: Function, what: string): DtdeTranslationError {
  try {
    parseMemberLambda(fn, what);
  } catch (error) {
    expect(error).toBeInstanceOf(DtdeTranslationError);
    return error as DtdeTranslationError;
  }
  throw new Error('expected a DtdeTranslationError');
}

describe('parseMemberLambda', () => {
  it('reads one property', () => {
    expect(parseMemberLambda((c: Customer) => c.id, 'Customer.key')).toEqual(['id']);
    expect(parseMemberLambda((c: Customer) => c['name'], 'Customer.property')).toEqual(['name']);
    expect(
      parseMemberLambda(function (c: Customer) {
        return c.name;
      }, 'Customer.property'),
    ).toEqual(['name']);
  });

  it('reads a composite key in order', () => {
    expect(parseMemberLambda((c: Customer) => [c.tenantId, c.id], 'Customer.key')).toEqual(['tenantId', 'id']);
  });

  it('returns a frozen list', () => {
    expect(Object.isFrozen(parseMemberLambda((c: Customer) => [c.tenantId, c.id], 'Customer.key'))).toBe(true);
  });

  it.each<[string, Function, string]>([
    ['a nested path', (c: Customer) => c.address.city, 'not a direct property'],
    ['a computed value', (c: Customer) => c.id + 1, 'not a direct property'],
    ['a constant', () => 1, 'got 0 parameters'],
    ['two parameters', (_c: Customer, p: { id: number }) => p.id, 'got 2 parameters'],
    ['an empty list', (_c: Customer) => [], 'got an empty list'],
    ['a repeated property', (c: Customer) => [c.id, c.id], 'property `id` is listed twice'],
    ['a call', (c: Customer) => c.name.trim(), 'not a direct property'],
    ['the parameter itself', (c: Customer) => c, 'not a direct property'],
  ])('rejects %s, naming the setting and the expected form', (_label, fn, problem) => {
    const error = rejection(fn, 'Customer.key');
    expect(error.message).toContain(`Customer.key: ${problem}`);
    expect(error.message).toContain('Customer.key expects a lambda that selects properties of its one parameter: c => c.id');
    expect(error.message).toMatch(/\^+/);
    expect(error.lambdaSource).toBe(fn.toString());
  });

  it('points the caret at the offending element', () => {
    const error = rejection((c: Customer) => [c.id, c.address.city], 'Customer.key');
    const { start, end } = error.position!;
    expect(error.lambdaSource!.slice(start, end)).toBe('c.address.city');
  });

  it('prefixes parse errors with the setting name', () => {
    const error = rejection((c: Customer) => c?.id, 'Customer.key');
    expect(error.message).toMatch(/^Customer\.key: Optional chaining/);
    expect(error.cause).toBeInstanceOf(DtdeTranslationError);
    expect(error.position).toBeDefined();
  });
});
