// The shape ops, one file per kind: reshapes and views (reshape-ops.ts), slicing and
// joining (slice-join.ts), indexing by int32 tensors (index-ops.ts).
export * from './reshape-ops.js';
export * from './slice-join.js';
export * from './index-ops.js';
