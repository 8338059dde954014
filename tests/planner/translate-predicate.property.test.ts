import Database from 'better-sqlite3';
import { registerJsFunctions } from '../../src/providers/sqlite/sqlite-js-functions.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../../src/linq/evaluate/evaluate-expression.js';
import type { ComparisonOperator, Expression, LambdaExpression, ParameterExpression } from '../../src/linq/expression/expression.js';
import type { ColumnType, EntityModel, PropertyModel } from '../../src/metadata/model.js';
import { selectStatement, sql } from '../../src/sql/sql-ast.js';
import { translateWhere } from '../../src/planner/translate-expression.js';
import { sqliteDialect } from '../../src/providers/sqlite/sqlite-dialect.js';

// Random predicates over nullable columns, translated to SQLite and run on a real table, must
// select exactly the rows the in-memory evaluator (dtde's JavaScript semantics) selects.

class Row {
  id!: number;
  a!: number | null;
  b!: number | null;
  s!: string | null;
  f!: boolean | null;
}

const columns: [string, ColumnType][] = [
  ['a', { kind: 'int' }],
  ['b', { kind: 'int' }],
  ['s', { kind: 'string', maxLength: 10 }],
  ['f', { kind: 'boolean' }],
];
const properties: PropertyModel[] = [
  { name: 'id', column: 'id', type: { kind: 'int' }, nullable: false, generated: false },
  ...columns.map(([name, type]) => ({ name, column: `col_${name}`, type, nullable: true, generated: false })),
];
const model: EntityModel = {
  name: 'Row',
  entity: Row,
  table: { name: 'Rows' },
  properties,
  propertyByName: new Map(properties.map((p) => [p.name, p])),
  key: ['id'],
  sharding: null,
  temporal: null,
};

const row: ParameterExpression = { kind: 'parameter', name: 'c', role: 'row', depth: 0 };
const member = (property: string): Expression => ({ kind: 'member', object: row, property });
const constant = (value: string | number | boolean | null): Expression => ({ kind: 'constant', value });

const ints = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.constant(null));
const strs = fc.constantFrom('a', 'A', 'ab', 'b%', 'a_b', '', null);
const bools = fc.constantFrom(true, false, null);

/** A params object whose values the generated predicates read (`p.i`, `p.s`, `p.list`…). */
const paramsArb = fc.record({
  i: ints,
  j: ints,
  s: strs,
  list: fc.array(ints, { maxLength: 3 }),
  slist: fc.array(strs, { maxLength: 3 }),
});

const intOperand = fc.oneof(
  fc.constantFrom(member('a'), member('b')),
  ints.map(constant),
  fc.constantFrom<Expression>({ kind: 'paramsMember', path: ['i'] }, { kind: 'paramsMember', path: ['j'] }),
);
const strOperand = fc.oneof(fc.constant(member('s')), strs.map(constant), fc.constant<Expression>({ kind: 'paramsMember', path: ['s'] }));
const op = fc.constantFrom<ComparisonOperator>('===', '!==', '<', '<=', '>', '>=');
const eqOp = fc.constantFrom<ComparisonOperator>('===', '!==');

const leaf: fc.Arbitrary<Expression> = fc.oneof(
  fc.tuple(op, intOperand, intOperand).map(([operator, left, right]) => ({ kind: 'binary', operator, left, right }) as Expression),
  fc.tuple(op, strOperand, strOperand).map(([operator, left, right]) => ({ kind: 'binary', operator, left, right }) as Expression),
  fc
    .tuple(eqOp, fc.constantFrom(member('f')), bools.map(constant))
    .map(([operator, left, right]) => ({ kind: 'binary', operator, left, right }) as Expression),
  fc.constant(member('f')),
  fc.constantFrom<Expression>(
    { kind: 'call', method: 'includes', target: { kind: 'paramsMember', path: ['list'] }, args: [member('a')] },
    { kind: 'call', method: 'includes', target: { kind: 'paramsMember', path: ['slist'] }, args: [member('s')] },
  ),
  fc
    .tuple(
      fc.constantFrom('startsWith', 'endsWith', 'includes') as fc.Arbitrary<'startsWith' | 'endsWith' | 'includes'>,
      fc.constantFrom('a', 'A', '%', '_', ''),
    )
    .map(([method, text]) => ({ kind: 'call', method, target: member('s'), args: [constant(text)] }) as Expression),
);

const predicate = fc.letrec<{ p: Expression }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(fc.constantFrom('&&', '||') as fc.Arbitrary<'&&' | '||'>, tie('p'), tie('p'))
      .map(([operator, left, right]) => ({ kind: 'binary', operator, left, right }) as Expression),
    tie('p').map((operand) => ({ kind: 'unary', operator: '!', operand }) as Expression),
    fc
      .tuple(tie('p'), tie('p'), tie('p'))
      .map(([test, consequent, alternate]) => ({ kind: 'conditional', test, consequent, alternate }) as Expression),
  ),
})).p;

const rowsArb = fc
  .array(fc.record({ a: ints, b: ints, s: strs, f: bools }), { maxLength: 12 })
  .map((rs) => rs.map((r, i) => ({ id: i + 1, ...r })));

describe('translatePredicate property: SQLite agrees with the evaluator', () => {
  it('selects exactly the rows the JS filter selects', () => {
    const db = new Database(':memory:');
    registerJsFunctions(db);
    db.exec(
      sqliteDialect.renderCreateTable({
        kind: 'createTable',
        table: model.table,
        primaryKey: ['id'],
        columns: properties.map((p) => ({ name: p.column, type: p.type, nullable: p.nullable, generated: false })),
      }).sql,
    );
    const insert = db.prepare('INSERT INTO "Rows" VALUES (?, ?, ?, ?, ?)');
    try {
      fc.assert(
        fc.property(rowsArb, predicate, paramsArb, (rows, body, params) => {
          const lambda: LambdaExpression = {
            kind: 'lambda',
            body,
            source: '(generated)',
            parameters: [row, { kind: 'parameter', name: 'p', role: 'params', depth: 0 }],
          };
          db.exec('DELETE FROM "Rows"');
          for (const r of rows) insert.run(...[r.id, r.a, r.b, r.s, r.f].map((v) => sqliteDialect.toDbValue(v, null)));
          const where = translateWhere({ lambda, params }, { model, alias: 'c' });
          const rendered = sqliteDialect.renderSelect(
            selectStatement(
              { table: model.table, alias: 'c' },
              {
                columns: [{ expr: sql.column('c', 'id'), alias: 'id' }],
                where,
                orderBy: [{ expr: sql.column('c', 'id'), descending: false }],
              },
            ),
          );
          const fromSql = db
            .prepare(rendered.sql)
            .all(...rendered.parameters.map((p) => p.value))
            .map((r) => (r as { id: number }).id);
          const fromJs = rows.filter((r) => Boolean(evaluateExpression(body, { rows: [r], params }))).map((r) => r.id);
          expect(fromSql, rendered.sql).toEqual(fromJs);
        }),
        { numRuns: 600 },
      );
    } finally {
      db.close();
    }
  });
});
