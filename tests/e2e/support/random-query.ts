import fc from 'fast-check';
import { type Access, type Body, type Col, predicateArb, rowAccess, rowKeyArb } from './random-predicates.js';

/**
 * One operator of a generated query, with its lambda already rendered as source text. `arg` names
 * the lambda's first parameter (`c` for rows and projected rows, `g` for a group).
 */
export interface Step {
  readonly op: string;
  readonly body?: string;
  readonly params?: boolean;
  readonly arg?: 'c' | 'g';
  readonly count?: number;
}

/** A query: operators, then a terminal. `ordered`: a toArray whose order is total, so compared in order. */
export interface QuerySpec {
  readonly steps: readonly Step[];
  readonly terminal: Step;
  readonly ordered: boolean;
}

const step = (op: string, b?: Body, access: Access = rowAccess, arg: 'c' | 'g' = 'c'): Step =>
  b === undefined ? { op } : { op, body: b.render(access), params: b.params, arg };

const ALL: readonly Col[] = ['id', 'region', 'name', 'score', 'price', 'at', 'flag'];
const whereStep = predicateArb(ALL).map((b) => step('where', b));
/** Mostly zero or one where: each one filters, and empty answers test little. */
const wheres = (max: number): fc.Arbitrary<Step[]> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.array(whereStep, { maxLength: 1 }) },
    { weight: 1, arbitrary: fc.array(whereStep, { maxLength: max }) },
  );
const plain = (text: string): Body => ({ render: () => text, params: false });

/** Paging operators in either order (take(t).skip(s) is valid too), or none. */
const pagingArb: fc.Arbitrary<Step[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Step[]>([]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
        fc.boolean(),
      )
      .map(([skip, take, takeFirst]): Step[] => {
        const s = skip === undefined ? [] : [{ op: 'skip', count: skip }];
        const t = take === undefined ? [] : [{ op: 'take', count: take }];
        return takeFirst ? [...t, ...s] : [...s, ...t];
      }),
  },
);

/** `orderBy`/`thenBy` steps over `keys`, then the tie-breaker `last`, each ascending or descending. */
function orderingSteps(keys: readonly Body[], last: readonly Body[], dirs: readonly boolean[], access: Access): Step[] {
  return [...keys, ...last].map((k, i) => step(`${i === 0 ? 'orderBy' : 'thenBy'}${dirs[i % dirs.length] ? 'Descending' : ''}`, k, access));
}
const dirsArb = fc.array(fc.boolean(), { minLength: 1, maxLength: 4 });

/** A row-level ordering (ending with the key `id`) or none. */
const rowOrderingArb = fc.option(
  fc
    .tuple(fc.array(rowKeyArb, { maxLength: 2 }), dirsArb, fc.option(rowKeyArb, { nil: undefined, freq: 5 }))
    .map(([keys, dirs, replaced]) => [
      // A later orderBy replaces an earlier one (EF Core), so this key must not order anything.
      ...(replaced === undefined ? [] : [step('orderBy', replaced)]),
      ...orderingSteps(keys, [plain('c.id')], dirs, rowAccess),
    ]),
  { nil: null },
);

type Terminal = { step: Step; needsOrder: boolean; pageable: boolean };
const t = (s: Step, needsOrder = false, pageable = false): Terminal => ({ step: s, needsOrder, pageable });
const optionalPredicate = fc.option(predicateArb(ALL), { nil: undefined });

/** Terminals on rows; `pageable`: deterministic on an unordered page (count(), any()). */
const rowTerminalArb: fc.Arbitrary<Terminal> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(t(step('toArray'))) },
  { weight: 2, arbitrary: optionalPredicate.map((p) => t(step('count', p), false, p === undefined)) },
  { weight: 1, arbitrary: optionalPredicate.map((p) => t(step('any', p), false, p === undefined)) },
  { weight: 1, arbitrary: predicateArb(ALL).map((p) => t(step('all', p))) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('sum', 'average'), fc.constantFrom<Col>('score', 'price'))
      .map(([op, c]) => t(step(op, plain(`c.${c}`)))),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('min', 'max'), fc.constantFrom<Col>('score', 'price', 'name', 'at'))
      .map(([op, c]) => t(step(op, plain(`c.${c}`)))),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('first', 'firstOrDefault'), optionalPredicate).map(([op, p]) => t(step(op, p), true)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('single', 'singleOrDefault'),
        fc.oneof(optionalPredicate, fc.constant({ render: () => 'c.id === p.k', params: true })),
      )
      .map(([op, p]) => t(step(op, p))),
  },
);

/** Whether the chain can be compared: unordered pages only under count()/any(); first needs an order. */
function finish(pre: Step[], ordering: Step[] | null, mid: Step[], paging: Step[], terminal: Terminal, fallback: Step[]): QuerySpec {
  let order = ordering;
  if (order === null && (terminal.needsOrder || (paging.length > 0 && !terminal.pageable))) order = fallback;
  return {
    steps: [...pre, ...(order ?? []), ...mid, ...paging],
    terminal: terminal.step,
    ordered: order !== null && terminal.step.op === 'toArray',
  };
}

const rowsQueryArb: fc.Arbitrary<QuerySpec> = fc
  .record({ where: wheres(3), order: rowOrderingArb, paging: pagingArb, terminal: rowTerminalArb })
  .map(({ where, order, paging, terminal }) =>
    finish(where, order, [], paging, terminal, orderingSteps([], [plain('c.id')], [false], rowAccess)),
  );

/** A projected field: a plain column (readable by later lambdas) or a computed value. */
interface Field {
  readonly alias: string;
  readonly text: string;
  readonly col?: Col;
}
const columnField = (col: Col, alias: string): Field => ({ alias, text: `c.${col}`, col });
const FIELDS: readonly Field[] = [
  columnField('id', 'id'),
  columnField('region', 'r'),
  columnField('name', 'n'),
  columnField('score', 's'),
  columnField('price', 'pr'),
  columnField('at', 't'),
  columnField('flag', 'f'),
  { alias: 's3', text: 'c.score % 3' },
  { alias: 'nn', text: 'c.name ?? "-"' },
  { alias: 'y', text: 'c.at.getUTCFullYear()' },
  { alias: 'lbl', text: '`${c.region}:${c.name}`' },
  { alias: 'half', text: 'c.score / 2' },
  { alias: 'up', text: 'c.name.toUpperCase()' },
];
/** Low-cardinality fields, so distinct removes something. */
const DISTINCT_FIELDS = FIELDS.filter((f) => ['r', 'n', 'f', 's3', 'y', 'nn'].includes(f.alias));

/** A projection: one scalar field (read as `c`) or an object of fields (read as `c.alias`). */
interface Projection {
  readonly text: string;
  readonly fields: readonly Field[];
  readonly scalar: boolean;
}
function projectionArb(pool: readonly Field[]): fc.Arbitrary<Projection> {
  return fc.oneof(
    fc.constantFrom(...pool).map((f) => ({ text: f.text, fields: [f], scalar: true })),
    fc.shuffledSubarray([...pool], { minLength: 1, maxLength: 4 }).map((fs) => ({
      text: `({ ${fs.map((f) => `${f.alias}: ${f.text}`).join(', ')} })`,
      fields: fs,
      scalar: false,
    })),
  );
}
const fieldAccess =
  (p: Projection) =>
  (f: Field): string =>
    p.scalar ? 'c' : `c.${f.alias}`;
function projectedAccess(p: Projection): Access {
  return (col) => fieldAccess(p)(p.fields.find((f) => f.col === col)!);
}
const projectedCols = (p: Projection): Col[] => p.fields.flatMap((f) => (f.col === undefined ? [] : [f.col]));

/** Filters on computed projected values (`c.s3 > 0`, `c.lbl.startsWith("EU")`). */
function computedPredicates(p: Projection): fc.Arbitrary<Body>[] {
  return p.fields.flatMap((f): fc.Arbitrary<Body>[] => {
    if (f.col !== undefined) return [];
    const at = fieldAccess(p)(f);
    if (['s3', 'y', 'half'].includes(f.alias)) {
      return [
        fc
          .tuple(fc.constantFrom('>', '<=', '===', '!=='), fc.integer({ min: -3, max: 3 }))
          .map(([o, n]) => plain(`${at} ${o} ${n < 0 ? `(${n})` : n}`)),
      ];
    }
    return [
      fc
        .tuple(fc.constantFrom('startsWith', 'includes'), fc.constantFrom('EU', 'A', 'a', ':', '-', '😀', ''))
        .map(([m, x]) => plain(`${at}.${m}(${JSON.stringify(x)})`)),
    ];
  });
}

function projectedPredicateArb(p: Projection, cols: readonly Col[], access: Access): fc.Arbitrary<Step> {
  const options = [...computedPredicates(p), ...(cols.length === 0 ? [] : [predicateArb(cols)])];
  return options.length === 0
    ? fc.constant({ op: 'where', body: 'true', params: false, arg: 'c' })
    : fc.oneof(...options).map((b) => step('where', b, access));
}

/** Terminals after a projection: element operators, and aggregates of a scalar number/string/date. */
function projectedTerminalArb(p: Projection): fc.Arbitrary<Terminal> {
  const options: fc.Arbitrary<Terminal>[] = [
    fc.constant(t(step('toArray'))),
    fc.constant(t(step('toArray'))),
    fc.constant(t(step('count'), false, true)),
    fc.constant(t(step('any'), false, true)),
    fc.constantFrom('first', 'firstOrDefault').map((op) => t(step(op), true)),
    fc.constantFrom('single', 'singleOrDefault').map((op) => t(step(op))),
  ];
  const col = p.scalar ? p.fields[0].col : undefined;
  if (col === 'score' || col === 'price') options.push(fc.constantFrom('sum', 'average', 'min', 'max').map((op) => t(step(op))));
  if (col === 'name' || col === 'at') options.push(fc.constantFrom('min', 'max').map((op) => t(step(op))));
  return fc.oneof(...options);
}

const projectedQueryArb: fc.Arbitrary<QuerySpec> = projectionArb(FIELDS).chain((p) => {
  const access = projectedAccess(p);
  const cols = projectedCols(p);
  const id = p.fields.find((f) => f.col === 'id');
  // After the select, order by projected values only when the id is projected (a total order).
  const after =
    id === undefined
      ? fc.constant(null)
      : fc.option(
          fc.tuple(fc.array(fc.constantFrom(...p.fields), { maxLength: 2 }), dirsArb).map(([fs, dirs]) =>
            orderingSteps(
              fs.map((f) => plain(fieldAccess(p)(f))),
              [plain(fieldAccess(p)(id))],
              dirs,
              access,
            ),
          ),
          { nil: null },
        );
  return fc
    .record({
      where: wheres(2),
      before: rowOrderingArb,
      after,
      whereAfter: fc.array(projectedPredicateArb(p, cols, access), { maxLength: 1 }),
      paging: pagingArb,
      terminal: projectedTerminalArb(p),
    })
    .map(({ where, before, after, whereAfter, paging, terminal }) => {
      const select = step('select', plain(p.text));
      if (after !== null) return finish([...where, select, ...whereAfter], after, [], paging, terminal, []);
      return finish(where, before, [select, ...whereAfter], paging, terminal, orderingSteps([], [plain('c.id')], [false], rowAccess));
    });
});

/** select(...).distinct(), ordered (if at all) by every projected value, which is total. */
const distinctQueryArb: fc.Arbitrary<QuerySpec> = projectionArb(DISTINCT_FIELDS).chain((p) =>
  fc
    .record({
      where: wheres(2),
      order: fc.option(fc.tuple(fc.shuffledSubarray([...p.fields], { minLength: p.fields.length }), dirsArb), { nil: null }),
      paging: pagingArb,
      terminal: projectedTerminalArb(p),
    })
    .map(({ where, order, paging, terminal }) => {
      const all = orderingSteps(
        p.fields.map((f) => plain(fieldAccess(p)(f))),
        [],
        [false],
        rowAccess,
      );
      const ordering =
        order === null
          ? null
          : orderingSteps(
              order[0].map((f) => plain(fieldAccess(p)(f))),
              [],
              order[1],
              rowAccess,
            );
      return finish([...where, step('select', plain(p.text)), { op: 'distinct' }], ordering, [], paging, terminal, all);
    }),
);

const GROUP_KEYS = ['c.region', 'c.flag', 'c.name', 'c.score % 3', 'c.at.getUTCFullYear()', '({ r: c.region, f: c.flag })'] as const;
const GROUP_AGGREGATES = [
  'n: g.count()',
  's: g.sum((c) => c.score)',
  'a: g.average((c) => c.price)',
  'lo: g.min((c) => c.at)',
  'hi: g.max((c) => c.name)',
  'sp: g.sum((c) => c.price)',
  'mx: g.max((c) => c.score)',
  'mean: g.sum((c) => c.score) / g.count()',
];

/** groupBy(key).select(g => ({ k: g.key, ...aggregates })), then filters, an order by key, paging. */
const groupQueryArb: fc.Arbitrary<QuerySpec> = fc
  .record({
    where: wheres(2),
    key: fc.constantFrom(...GROUP_KEYS),
    aggregates: fc.subarray(GROUP_AGGREGATES, { minLength: 1 }),
    having: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    descending: fc.option(fc.boolean(), { nil: null }),
    paging: pagingArb,
    terminal: fc.oneof(
      fc.constant(t(step('toArray'))),
      fc.constant(t(step('count'), false, true)),
      fc.constant(t(step('any'), false, true)),
      fc.constant(t(step('firstOrDefault'), true)),
    ),
  })
  .map(({ where, key, aggregates, having, descending, paging, terminal }) => {
    const groupBy: Step = { op: 'groupBy', body: key, params: false, arg: 'c' };
    const select: Step = { op: 'select', body: `({ k: g.key, ${aggregates.join(', ')} })`, params: false, arg: 'g' };
    // Filter and order on the first aggregate (a value that ties across groups), then the key;
    // only on exact integer aggregates: a float sum may land on either side of a bound or a tie.
    const first = aggregates[0].slice(0, aggregates[0].indexOf(':'));
    const exact = having !== undefined && ['n', 's', 'mx'].includes(first);
    const filter = exact ? [step('where', plain(`c.${first} > ${having}`))] : [];
    const keys = key.startsWith('({') ? ['c.k.r', 'c.k.f'] : ['c.k'];
    const order = (desc: boolean) =>
      orderingSteps([...(exact ? [`c.${first}`] : []), ...keys].map(plain), [], [desc, !desc, desc], rowAccess);
    return finish(
      [...where, groupBy, select, ...filter],
      descending === null ? null : order(descending),
      [],
      paging,
      terminal,
      order(false),
    );
  });

/** A random query over Item in one of four shapes: rows, projected rows, distinct values, groups. */
export const querySpecArb: fc.Arbitrary<QuerySpec> = fc.oneof(
  { weight: 5, arbitrary: rowsQueryArb },
  { weight: 2, arbitrary: projectedQueryArb },
  { weight: 2, arbitrary: distinctQueryArb },
  { weight: 2, arbitrary: groupQueryArb },
);
