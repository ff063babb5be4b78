import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkBoolean,
  checkFinite,
  checkNonNegativeInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  showValue,
} from '../../src/core/check.js';
import { ConfigError } from '../../src/core/errors.js';
import { throwsWith } from '../helpers/assert.js';

describe('core/check: the (op, name, value) family', () => {
  it('checkPositiveInt returns the value and rejects 0, fractions and non-numbers', () => {
    assert.equal(checkPositiveInt('LSTM', 'hiddenSize', 3), 3);
    throwsWith(
      () => checkPositiveInt('LSTM', 'hiddenSize', 0),
      ConfigError,
      'LSTM: hiddenSize must be a positive integer; got 0',
    );
    throwsWith(() => checkPositiveInt('LSTM', 'hiddenSize', 2.5), ConfigError, 'got 2.5');
    throwsWith(() => checkPositiveInt('LSTM', 'hiddenSize', '3'), ConfigError, 'got "3"');
  });

  it('checkNonNegativeInt accepts 0 and rejects -1', () => {
    assert.equal(checkNonNegativeInt('Linear', 'inFeatures', 0), 0);
    throwsWith(
      () => checkNonNegativeInt('Linear', 'inFeatures', -1),
      ConfigError,
      'Linear: inFeatures must be a non-negative integer; got -1',
    );
  });

  it('checkFinite, checkBoolean, checkOneOf', () => {
    assert.equal(checkFinite('op', 'x', -2), -2);
    throwsWith(
      () => checkFinite('op', 'x', Infinity),
      ConfigError,
      'op: x must be a finite number; got Infinity',
    );
    assert.equal(checkBoolean('op', 'flag', false), false);
    throwsWith(() => checkBoolean('op', 'flag', 1), ConfigError, 'op: flag must be a boolean; got 1');
    assert.equal(checkOneOf('op', 'mode', 'min', ['min', 'max']), 'min');
    throwsWith(
      () => checkOneOf('op', 'mode', 'mid', ['min', 'max']),
      ConfigError,
      'op: mode must be one of min, max; got "mid"',
    );
  });

  it('checkNumber applies its predicate and rejects NaN', () => {
    assert.equal(
      checkNumber('StepLR', 'gamma', 0.5, (v) => v > 0, 'positive'),
      0.5,
    );
    throwsWith(
      () => checkNumber('StepLR', 'gamma', -1, (v) => v > 0, 'positive'),
      ConfigError,
      'StepLR: gamma must be positive; got -1',
    );
    throwsWith(() => checkNumber('StepLR', 'gamma', NaN, () => true, 'a number'), ConfigError, 'got NaN');
  });

  it('checkOptions lists the known keys and ignores keys set to undefined', () => {
    checkOptions('fit', undefined, ['epochs']);
    checkOptions('fit', { epochs: 1, batchSize: undefined }, ['epochs']);
    throwsWith(
      () => checkOptions('fit', { epoch: 1 }, ['epochs', 'batchSize']),
      ConfigError,
      'fit: unknown option "epoch"; expected one of epochs, batchSize',
    );
    throwsWith(
      () => checkOptions('fit', 3, ['epochs']),
      ConfigError,
      'fit: options must be an object; got 3',
    );
    throwsWith(() => checkOptions('fit', null, ['epochs']), ConfigError, 'got null');
    throwsWith(() => checkOptions('fit', [1], ['epochs']), ConfigError, 'got [1]');
  });
});

describe('core/check: checkOptions for a function without options', () => {
  it('says it takes none', () => {
    throwsWith(
      () => checkOptions('StandardScaler', { withMean: false }, []),
      ConfigError,
      'unknown option "withMean"; expected no options',
    );
  });
});

describe('core/check: showValue quotes values the way error messages show them', () => {
  it('renders strings, arrays, plain objects, instances and functions readably', () => {
    assert.equal(showValue('a'), '"a"');
    assert.equal(showValue([1, 'b']), '[1, "b"]');
    assert.equal(showValue({ lr: 0.1 }), '{"lr":0.1}');
    assert.equal(showValue(new Map()), 'a Map');
    assert.equal(
      showValue(function step() {}),
      'a function step',
    );
    assert.equal(showValue(3n), '3n');
    assert.equal(showValue(undefined), 'undefined');
    const long = showValue({ text: 'x'.repeat(200) });
    assert.equal(long.length, 80);
    assert.ok(long.endsWith('...'));
    assert.ok(!checkShows({ a: 1 }).includes('[object Object]'));
  });
});

function checkShows(value: unknown): string {
  try {
    checkFinite('op', 'x', value);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}
