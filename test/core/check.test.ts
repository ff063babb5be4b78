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
