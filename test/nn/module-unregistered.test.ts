// loadStateDict on a module whose submodules are plain properties (never registered)
// says so, names them and shows the registerModule call; nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { StateError } from '../../src/core/errors.js';
import { Linear, LSTM, Module } from '../../src/nn/index.js';
import { throwsWith } from '../helpers/assert.js';

class Registered extends Module {
  readonly lstm = this.registerModule('lstm', new LSTM(3, 4, { batchFirst: true }));
  readonly fc = this.registerModule('fc', new Linear(4, 2));
}

class Unregistered extends Module {
  readonly lstm = new LSTM(3, 4, { batchFirst: true });
  readonly fc = new Linear(4, 2);
}

class HalfRegistered extends Module {
  readonly lstm = this.registerModule('lstm', new LSTM(3, 4, { batchFirst: true }));
  readonly heads = [new Linear(4, 2)];
}

test('loadStateDict names submodules that were never registered', () => {
  const sd = new Registered().stateDict();
  const bad = new Unregistered();
  const before = bad.lstm.stateDict().weight_ih_l0.toArray();
  throwsWith(
    () => bad.loadStateDict(sd),
    StateError,
    'unexpected keys: "lstm.weight_ih_l0"',
    '"lstm" (LSTM), "fc" (Linear) are properties but never registered',
    "this.lstm = this.registerModule('lstm', new LSTM(...))",
  );
  assert.deepEqual(bad.lstm.stateDict().weight_ih_l0.toArray(), before, 'nothing written');
  throwsWith(
    () => new HalfRegistered().loadStateDict(sd),
    StateError,
    '"heads[0]" (Linear) is a property but never registered',
  );
  // a registered module with a wrong key gets no such hint
  assert.throws(
    () => new Registered().loadStateDict({ ...sd, extra: sd['fc.bias'] }),
    (e: unknown) => e instanceof StateError && !e.message.includes('never registered'),
  );
  assert.deepEqual(new Registered().loadStateDict(sd), { missingKeys: [], unexpectedKeys: [] });
});
