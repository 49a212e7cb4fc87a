import { parentPort } from 'node:worker_threads';
import type { EngineRequest } from '../../../../server/engine/pool/protocol.js';

/**
 * A stand-in engine worker for the pool's tests: a step whose variables say `hang` never answers
 * (as an engine caught in a loop its own checks cannot see), `allocate` fills the heap, anything
 * else is answered at once as a completed step.
 */
const port = parentPort!;
port.on('message', (request: EngineRequest) => {
  if (request.kind !== 'step') return;
  if (request.variables.hang) for (;;);
  if (request.variables.allocate) {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array<number>(1_000_000).fill(1));
  }
  port.postMessage({
    id: request.id,
    ok: true,
    value: {
      state: { echoed: request.variables },
      status: 'completed',
      error: null,
      applied: true,
      waiting: [],
      timers: [],
      serviceRequests: [],
      continuations: [],
      signals: [],
      history: [],
      runaway: null,
    },
  });
});
port.postMessage({ ready: true });
