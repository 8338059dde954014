import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  andConstraints,
  constraintContains,
  constraintPoints,
  constraintsOverlap,
  describeConstraint,
  EMPTY_CONSTRAINT,
  intervalsConstraint,
  isEmptyConstraint,
  notConstraint,
  orConstraints,
  pointsConstraint,
  rangeConstraint,
  UNIVERSE_CONSTRAINT,
  UNKNOWN_CONSTRAINT,
  type ShardKeyConstraint,
} from '../../src/routing/shard-key-constraint.js';

describe('shard key constraint algebra', () => {
  it('intersects ranges into an interval and describes it', () => {
    const c = andConstraints(rangeConstraint('>=', 10), rangeConstraint('<', 20));
    expect(describeConstraint(c)).toBe('[10, 20)');
    expect(constraintContains(c, 10)).toBe(true);
    expect(constraintContains(c, 19.99)).toBe(true);
    expect(constraintContains(c, 20)).toBe(false);
    expect(constraintContains(c, null)).toBe(false);
  });

  it('merges overlapping and touching intervals, keeps gaps', () => {
    const c = orConstraints(
      orConstraints(rangeConstraint('<', 5), pointsConstraint([5])),
      intervalsConstraint([{ lower: { value: 7, inclusive: false }, upper: { value: 9, inclusive: true } }]),
    );
    expect(describeConstraint(c)).toBe('(-∞, 5] ∪ (7, 9]');
    expect(constraintContains(c, 6)).toBe(false);
  });

  it('contradictory equalities give the empty set', () => {
    const c = andConstraints(pointsConstraint(['EU']), pointsConstraint(['US']));
    expect(isEmptyConstraint(c)).toBe(true);
    expect(describeConstraint(c)).toBe('∅');
  });

  it('complements exactly, null included', () => {
    const c = notConstraint(pointsConstraint(['EU']));
    expect(describeConstraint(c)).toBe('(-∞, "EU") ∪ ("EU", +∞) ∪ null');
    expect(describeConstraint(notConstraint(c))).toBe('{"EU"}');
    expect(notConstraint(EMPTY_CONSTRAINT)).toEqual(UNIVERSE_CONSTRAINT);
    expect(isEmptyConstraint(notConstraint(UNIVERSE_CONSTRAINT))).toBe(true);
  });

  it('unknown is the identity of AND and absorbs OR and NOT', () => {
    const eu = pointsConstraint(['EU']);
    expect(andConstraints(UNKNOWN_CONSTRAINT, eu)).toBe(eu);
    expect(andConstraints(eu, UNKNOWN_CONSTRAINT)).toBe(eu);
    expect(orConstraints(UNKNOWN_CONSTRAINT, eu)).toBe(UNKNOWN_CONSTRAINT);
    expect(notConstraint(UNKNOWN_CONSTRAINT)).toBe(UNKNOWN_CONSTRAINT);
    expect(constraintsOverlap(UNKNOWN_CONSTRAINT, EMPTY_CONSTRAINT)).toBe(false);
    expect(constraintsOverlap(UNKNOWN_CONSTRAINT, eu)).toBe(true);
  });

  it('lists points only when every interval is a point', () => {
    expect(constraintPoints(pointsConstraint([3, 1, 2, 1]))).toEqual([1, 2, 3]);
    expect(constraintPoints(rangeConstraint('<', 1))).toBeNull();
    expect(constraintPoints(UNKNOWN_CONSTRAINT)).toBeNull();
    expect(constraintPoints(EMPTY_CONSTRAINT)).toEqual([]);
  });

  it('orders dates by instant and numbers with bigints by value', () => {
    const d = (s: string) => new Date(s);
    const c = andConstraints(rangeConstraint('>=', d('2024-01-01T00:00:00Z')), rangeConstraint('<', d('2025-01-01T00:00:00Z')));
    expect(constraintContains(c, d('2024-12-31T23:59:59.999Z'))).toBe(true);
    expect(constraintContains(c, d('2025-01-01T00:00:00Z'))).toBe(false);
    expect(constraintContains(pointsConstraint([5n]), 5)).toBe(true);
    expect(constraintContains(rangeConstraint('>', 2 ** 53), 2n ** 53n + 1n)).toBe(true);
  });

  // The algebra against brute force: a constraint is a predicate over a small integer universe.
  it('and/or/not agree with set operations on a sample universe (property)', () => {
    const universe = [null, ...Array.from({ length: 25 }, (_, i) => i / 2 - 1)];
    const atom: fc.Arbitrary<ShardKeyConstraint> = fc.oneof(
      fc
        .constantFrom<'<' | '<=' | '>' | '>='>('<', '<=', '>', '>=')
        .chain((op) => fc.integer({ min: 0, max: 10 }).map((v) => rangeConstraint(op, v, false))),
      fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 3 }).chain((vs) => fc.boolean().map((n) => pointsConstraint(vs, n))),
    );
    const tree = fc.letrec<{ c: ShardKeyConstraint }>((tie) => ({
      c: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom,
        fc.tuple(tie('c'), tie('c')).map(([a, b]) => andConstraints(a, b)),
        fc.tuple(tie('c'), tie('c')).map(([a, b]) => orConstraints(a, b)),
        tie('c').map(notConstraint),
      ),
    })).c;
    fc.assert(
      fc.property(tree, tree, (a, b) => {
        for (const v of universe) {
          const inA = constraintContains(a, v);
          const inB = constraintContains(b, v);
          expect(constraintContains(andConstraints(a, b), v)).toBe(inA && inB);
          expect(constraintContains(orConstraints(a, b), v)).toBe(inA || inB);
          expect(constraintContains(notConstraint(a), v)).toBe(!inA);
        }
      }),
      { numRuns: 500 },
    );
  });
});
