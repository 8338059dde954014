import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../../src/errors/dtde-translation-error.js';
import { LAMBDA_CACHE_LIMIT, lambdaParseStats, parseLambda, parseLambdaSource } from '../../../src/linq/parse/parse-lambda.js';

describe('lambda parse cache', () => {
  it('parses a source once and returns the same tree afterwards', () => {
    const before = lambdaParseStats();
    const first = parseLambdaSource('(c, p) => c.cacheProbe1 > p.min');
    const afterFirst = lambdaParseStats();
    const second = parseLambdaSource('(c, p) => c.cacheProbe1 > p.min');
    const afterSecond = lambdaParseStats();

    expect(afterFirst.acornCalls - before.acornCalls).toBe(1);
    expect(afterFirst.cacheSize - before.cacheSize).toBe(1);
    expect(afterSecond).toEqual(afterFirst);
    expect(second).toBe(first);
  });

  it('shares one parse between distinct function objects with the same source', () => {
    // Each iteration creates a new closure object; their source text is identical.
    const fns = [1, 2, 3].map(() => (c: { cacheProbe2: number }) => c.cacheProbe2 === 1);
    expect(new Set(fns).size).toBe(3);
    const before = lambdaParseStats().acornCalls;
    const trees = fns.map((f) => parseLambda(f));
    expect(lambdaParseStats().acornCalls - before).toBe(1);
    expect(trees[1]).toBe(trees[0]);
    expect(trees[2]).toBe(trees[0]);
  });

  it('treats different source text as a different entry', () => {
    const before = lambdaParseStats();
    parseLambdaSource('c => c.cacheProbe3');
    parseLambdaSource('c  =>  c.cacheProbe3');
    expect(lambdaParseStats().acornCalls - before.acornCalls).toBe(2);
    expect(lambdaParseStats().cacheSize - before.cacheSize).toBe(2);
  });

  it('does not cache failures, so every call reports the error', () => {
    const before = lambdaParseStats();
    expect(() => parseLambdaSource('c => c.cacheProbe4 > outside')).toThrow(DtdeTranslationError);
    expect(() => parseLambdaSource('c => c.cacheProbe4 > outside')).toThrow(DtdeTranslationError);
    expect(lambdaParseStats().acornCalls - before.acornCalls).toBe(2);
    expect(lambdaParseStats().cacheSize).toBe(before.cacheSize);
  });

  it('evicts the oldest entry beyond its limit', () => {
    parseLambdaSource('c => c.evictMe');
    const before = lambdaParseStats().acornCalls;
    parseLambdaSource('c => c.evictMe');
    expect(lambdaParseStats().acornCalls).toBe(before); // still cached

    for (let i = 0; i < LAMBDA_CACHE_LIMIT; i++) parseLambdaSource(`c => c.filler === ${i}`);
    expect(lambdaParseStats().cacheSize).toBe(LAMBDA_CACHE_LIMIT);

    const beforeReparse = lambdaParseStats().acornCalls;
    parseLambdaSource('c => c.evictMe');
    expect(lambdaParseStats().acornCalls - beforeReparse).toBe(1);
    expect(lambdaParseStats().cacheSize).toBe(LAMBDA_CACHE_LIMIT);
  });
});
