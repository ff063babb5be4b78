/* The backward engine on its own, over a toy node type whose gradients are numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBackward } from '../../src/autograd/engine.js';
import type { GradNode } from '../../src/autograd/node.js';

type N = GradNode<number>;

/** A leaf that records every gradient it receives. */
function leaf(name: string, log: string[], got: number[]): N {
  return {
    name,
    next: [],
    backward(g) {
      log.push(name);
      got.push(g);
      return [];
    },
  };
}

/** y = sum_i w_i * x_i: passes w_i * g to input i. */
function lin(
  name: string,
  inputs: Array<N | null>,
  weights: number[],
  log: string[],
  released?: string[],
): N {
  return {
    name,
    next: inputs,
    backward(g) {
      log.push(name);
      return weights.map((w) => w * g);
    },
    release() {
      released?.push(name);
    },
  };
}

const plus = (a: number, b: number): number => a + b;

describe('runBackward', () => {
  it('sums the gradients reaching a node along several paths and runs it once', () => {
    const log: string[] = [];
    const got: number[] = [];
    const x = leaf('x', log, got);
    const a = lin('a', [x], [2], log);
    const b = lin('b', [x], [3], log);
    const c = lin('c', [a, b, a], [1, 10, 100], log); // a used twice by c
    runBackward(c, 1, plus);
    // a receives 1 + 100, b receives 10; x receives 2*101 + 3*10
    assert.deepEqual(got, [2 * 101 + 3 * 10]);
    assert.equal(log.filter((n) => n === 'x').length, 1);
    assert.equal(log.filter((n) => n === 'a').length, 1);
  });

  it('visits in reverse topological order (every consumer before its producer)', () => {
    const log: string[] = [];
    const x = leaf('x', log, []);
    const a = lin('a', [x], [1], log);
    const b = lin('b', [a, x], [1, 1], log);
    const c = lin('c', [b, a], [1, 1], log);
    runBackward(c, 1, plus);
    assert.ok(log.indexOf('c') < log.indexOf('b'));
    assert.ok(log.indexOf('b') < log.indexOf('a'));
    assert.ok(log.indexOf('a') < log.indexOf('x'));
  });

  it('skips null edges and null gradients, still releasing pending counts', () => {
    const log: string[] = [];
    const got: number[] = [];
    const x = leaf('x', log, got);
    const dead: N = { name: 'dead', next: [x], backward: () => [null] };
    const root = lin('root', [null, dead, x], [1, 1, 5], log);
    runBackward(root, 2, plus);
    assert.deepEqual(got, [10]);
  });

  it('a node that receives no gradient does not run, but its inputs still do', () => {
    const log: string[] = [];
    const got: number[] = [];
    const x = leaf('x', log, got);
    const mid = lin('mid', [x], [4], log);
    const zeroOut: N = { name: 'zeroOut', next: [mid], backward: () => [null] };
    const root = lin('root', [zeroOut, x], [1, 1], log);
    runBackward(root, 1, plus);
    assert.ok(!log.includes('mid'));
    assert.deepEqual(got, [1]);
  });

  it('releases nodes unless retainGraph', () => {
    const released: string[] = [];
    const x = leaf('x', [], []);
    const a = lin('a', [x], [1], [], released);
    const b = lin('b', [a], [1], [], released);
    runBackward(b, 1, plus, true);
    assert.deepEqual(released, []);
    runBackward(b, 1, plus);
    assert.deepEqual(released.sort(), ['a', 'b']);
  });

  it('handles a chain of 100,000 nodes without recursion', () => {
    const got: number[] = [];
    let node: N = leaf('x', [], got);
    for (let i = 0; i < 100000; i++) node = lin(`n${i}`, [node], [1], []);
    runBackward(node, 3, plus);
    assert.deepEqual(got, [3]);
  });

  it('a wide fan-in (10,000 edges to one node) is summed exactly', () => {
    const got: number[] = [];
    const x = leaf('x', [], got);
    const edges = Array.from({ length: 10000 }, (_, i) => lin(`e${i}`, [x], [1], []));
    runBackward(
      lin(
        'root',
        edges,
        edges.map(() => 1),
        [],
      ),
      1,
      plus,
    );
    assert.deepEqual(got, [10000]);
  });
});
