export {
  setNumThreads,
  getNumThreads,
  startThreads,
  rnnTeam,
  poolStats,
  shutdownThreads,
  MAX_THREADS,
  type PoolStats,
} from './pool.js';
