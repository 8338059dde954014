import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../../src/errors/dtde-translation-error.js';
import type {
  ArrayExpression,
  BinaryExpression,
  CallExpression,
  ConditionalExpression,
  ConstantExpression,
  Expression,
  LambdaExpression,
  MemberExpression,
  ObjectExpression,
  ParameterExpression,
  ParamsMemberExpression,
  TemplateExpression,
  UnaryExpression,
} from '../../../src/linq/expression/expression.js';
import { ExpressionTransformer } from '../../../src/linq/expression/expression-transformer.js';
import { ExpressionVisitor, type ExpressionVisitorTable, visitExpression } from '../../../src/linq/expression/expression-visitor.js';

const c: ParameterExpression = { kind: 'parameter', name: 'c', role: 'row', depth: 0 };
const o: ParameterExpression = { kind: 'parameter', name: 'o', role: 'row', depth: 1 };
const member = (object: Expression, property: string): MemberExpression => ({ kind: 'member', object, property });

// One tree with every node kind in it.
const everyKind: LambdaExpression = {
  kind: 'lambda',
  parameters: [c],
  source: '(hand-built)',
  body: {
    kind: 'object',
    properties: [
      { name: 'a', value: { kind: 'binary', operator: '>', left: member(c, 'total'), right: { kind: 'paramsMember', path: ['min'] } } },
      { name: 'b', value: { kind: 'unary', operator: '!', operand: member(c, 'active') } },
      {
        name: 'c',
        value: { kind: 'conditional', test: { kind: 'constant', value: true }, consequent: member(c, 'x'), alternate: member(c, 'y') },
      },
      {
        name: 'd',
        value: {
          kind: 'call',
          method: 'includes',
          target: { kind: 'array', elements: [{ kind: 'constant', value: 'EU' }] },
          args: [member(c, 'region')],
        },
      },
      { name: 'e', value: { kind: 'template', quasis: ['<', '>'], expressions: [member(c, 'name')] } },
      {
        name: 'f',
        value: {
          kind: 'call',
          method: 'sum',
          target: c,
          args: [{ kind: 'lambda', parameters: [o], body: member(o, 'total'), source: 'o => o.total' }],
        },
      },
    ],
  },
};

describe('visitExpression with a table', () => {
  // The table must name every kind: leaving one out fails to compile (checked below with @ts-expect-error).
  const countKinds: ExpressionVisitorTable<Map<string, number>, Map<string, number>> = {
    lambda: (n, m) => bump(m, n.kind, [n.body]),
    parameter: (n, m) => bump(m, n.kind, []),
    constant: (n, m) => bump(m, n.kind, []),
    paramsMember: (n, m) => bump(m, n.kind, []),
    member: (n, m) => bump(m, n.kind, [n.object]),
    binary: (n, m) => bump(m, n.kind, [n.left, n.right]),
    unary: (n, m) => bump(m, n.kind, [n.operand]),
    conditional: (n, m) => bump(m, n.kind, [n.test, n.consequent, n.alternate]),
    call: (n, m) => bump(m, n.kind, [...(n.target ? [n.target] : []), ...n.args]),
    object: (n, m) =>
      bump(
        m,
        n.kind,
        n.properties.map((p) => p.value),
      ),
    array: (n, m) => bump(m, n.kind, n.elements),
    template: (n, m) => bump(m, n.kind, n.expressions),
  };
  function bump(m: Map<string, number>, kind: string, children: readonly Expression[]): Map<string, number> {
    m.set(kind, (m.get(kind) ?? 0) + 1);
    for (const child of children) visitExpression(countKinds, child, m);
    return m;
  }

  it('dispatches each node to the handler of its kind', () => {
    const counts = visitExpression(countKinds, everyKind, new Map());
    expect(Object.fromEntries(counts)).toEqual({
      lambda: 2,
      object: 1,
      binary: 1,
      member: 7,
      parameter: 8,
      paramsMember: 1,
      unary: 1,
      conditional: 1,
      constant: 2,
      call: 2,
      array: 1,
      template: 1,
    });
  });

  it('a table missing a kind does not compile', () => {
    const { template: _omitted, ...rest } = countKinds;
    // @ts-expect-error -- 'template' is missing, so this is not a full visitor table
    const partial: ExpressionVisitorTable<Map<string, number>, Map<string, number>> = rest;
    expect(Object.keys(partial)).not.toContain('template');
  });
});

describe('ExpressionVisitor class', () => {
  // Prints a tree back as JS-like text: one method per kind, all abstract in the base.
  class Printer extends ExpressionVisitor<string> {
    protected visitLambda(n: LambdaExpression): string {
      return `(${n.parameters.map((p) => p.name).join(', ')}) => ${this.visit(n.body)}`;
    }
    protected visitParameter(n: ParameterExpression): string {
      return n.name;
    }
    protected visitConstant(n: ConstantExpression): string {
      return JSON.stringify(n.value);
    }
    protected visitParamsMember(n: ParamsMemberExpression): string {
      return `p.${n.path.join('.')}`;
    }
    protected visitMember(n: MemberExpression): string {
      return `${this.visit(n.object)}.${n.property}`;
    }
    protected visitBinary(n: BinaryExpression): string {
      return `(${this.visit(n.left)} ${n.operator} ${this.visit(n.right)})`;
    }
    protected visitUnary(n: UnaryExpression): string {
      return `${n.operator}${this.visit(n.operand)}`;
    }
    protected visitConditional(n: ConditionalExpression): string {
      return `${this.visit(n.test)} ? ${this.visit(n.consequent)} : ${this.visit(n.alternate)}`;
    }
    protected visitCall(n: CallExpression): string {
      const args = n.args.map((a) => this.visit(a)).join(', ');
      return n.target === null ? `${n.method}(${args})` : `${this.visit(n.target)}.${n.method}(${args})`;
    }
    protected visitObject(n: ObjectExpression): string {
      return `{ ${n.properties.map((p) => `${p.name}: ${this.visit(p.value)}`).join(', ')} }`;
    }
    protected visitArray(n: ArrayExpression): string {
      return `[${n.elements.map((e) => this.visit(e)).join(', ')}]`;
    }
    protected visitTemplate(n: TemplateExpression): string {
      return `\`${n.quasis.join('${…}')}\``;
    }
  }

  it('walks every kind through its visit method', () => {
    expect(new Printer().visit(everyKind)).toBe(
      '(c) => { a: (c.total > p.min), b: !c.active, c: true ? c.x : c.y, d: ["EU"].includes(c.region), e: `<${…}>`, f: c.sum((o) => o.total) }',
    );
  });

  it('a subclass that misses a kind does not compile', () => {
    // @ts-expect-error -- visitTemplate (and the others) are abstract and not implemented
    class Incomplete extends ExpressionVisitor<number> {
      protected visitConstant(): number {
        return 1;
      }
    }
    expect(typeof Incomplete).toBe('function');
  });

  it('passes a context through', () => {
    class Collect extends ExpressionVisitor<void, string[]> {
      protected visitLambda(n: LambdaExpression, acc: string[]): void {
        this.visit(n.body, acc);
      }
      protected visitParameter(): void {}
      protected visitConstant(): void {}
      protected visitParamsMember(n: ParamsMemberExpression, acc: string[]): void {
        acc.push(n.path.join('.'));
      }
      protected visitMember(n: MemberExpression, acc: string[]): void {
        this.visit(n.object, acc);
      }
      protected visitBinary(n: BinaryExpression, acc: string[]): void {
        this.visit(n.left, acc);
        this.visit(n.right, acc);
      }
      protected visitUnary(n: UnaryExpression, acc: string[]): void {
        this.visit(n.operand, acc);
      }
      protected visitConditional(n: ConditionalExpression, acc: string[]): void {
        for (const e of [n.test, n.consequent, n.alternate]) this.visit(e, acc);
      }
      protected visitCall(n: CallExpression, acc: string[]): void {
        for (const e of [...(n.target ? [n.target] : []), ...n.args]) this.visit(e, acc);
      }
      protected visitObject(n: ObjectExpression, acc: string[]): void {
        for (const p of n.properties) this.visit(p.value, acc);
      }
      protected visitArray(n: ArrayExpression, acc: string[]): void {
        for (const e of n.elements) this.visit(e, acc);
      }
      protected visitTemplate(n: TemplateExpression, acc: string[]): void {
        for (const e of n.expressions) this.visit(e, acc);
      }
    }
    const acc: string[] = [];
    new Collect().visit(everyKind, acc);
    expect(acc).toEqual(['min']);
  });
});

describe('ExpressionTransformer', () => {
  class Identity extends ExpressionTransformer {}

  class ParamsToConstants extends ExpressionTransformer<Record<string, number>> {
    protected override visitParamsMember(n: ParamsMemberExpression, values: Record<string, number>): Expression {
      return { kind: 'constant', value: values[n.path[0]] };
    }
  }

  it('returns the very same objects when nothing changes', () => {
    expect(new Identity().transform(everyKind)).toBe(everyKind);
  });

  it('rebuilds only the path to a changed node and keeps the rest shared', () => {
    const result = new ParamsToConstants().transformLambda(everyKind, { min: 7 });
    expect(result).not.toBe(everyKind);
    const before = everyKind.body as ObjectExpression;
    const after = result.body as ObjectExpression;
    expect(after.properties[0].value).toEqual({
      kind: 'binary',
      operator: '>',
      left: member(c, 'total'),
      right: { kind: 'constant', value: 7 },
    });
    // Untouched siblings are the same objects.
    for (let i = 1; i < before.properties.length; i++) expect(after.properties[i]).toBe(before.properties[i]);
    expect((after.properties[0].value as BinaryExpression).left).toBe((before.properties[0].value as BinaryExpression).left);
    // The input is not modified.
    expect((before.properties[0].value as BinaryExpression).right.kind).toBe('paramsMember');
  });

  it('rewrites parameter reads in the body but keeps the lambda signature', () => {
    class RenameRow extends ExpressionTransformer {
      protected override visitParameter(n: ParameterExpression): Expression {
        return n.role === 'row' && n.depth === 0 ? { ...n, name: 'row' } : n;
      }
    }
    const result = new RenameRow().transformLambda(everyKind);
    expect(result.parameters).toBe(everyKind.parameters);
    expect(((result.body as ObjectExpression).properties[1].value as UnaryExpression).operand).toEqual(
      member({ ...c, name: 'row' }, 'active'),
    );
  });

  it('transformLambda refuses a rewrite that turns the lambda into something else', () => {
    class Flatten extends ExpressionTransformer {
      protected override visitLambda(n: LambdaExpression): Expression {
        return n.body;
      }
    }
    expect(() => new Flatten().transformLambda(everyKind)).toThrow(DtdeTranslationError);
    expect(() => new Flatten().transformLambda(everyKind)).toThrow(/must return a lambda for a lambda/);
  });
});
