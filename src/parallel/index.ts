export { setNumThreads, getNumThreads, rnnTeam, poolStats, shutdownThreads, MAX_THREADS, type PoolStats } from './pool.js';
