// The element-wise ops, one file per kind: the broadcasting binary ops
// (elementwise-binary.ts), the unary ones (elementwise-unary.ts), where (where.ts) and
// map, the graph-free escape hatch (map.ts).
export { add, div, eq, gt, lt, maximum, minimum, mul, neg, pow, sub } from './elementwise-binary.js';
export { abs, clamp, exp, log, relu, sigmoid, sqrt, square, tanh } from './elementwise-unary.js';
export { map } from './map.js';
export { where } from './where.js';
