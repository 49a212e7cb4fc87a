// A worker thread does not take the main thread's `--import tsx`: register tsx here, then load
// the worker module itself (its path comes in workerData).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
