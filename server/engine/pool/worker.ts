import { parentPort, workerData } from 'node:worker_threads';
import { compileDefinition, loadSourceContext } from '../definitions.js';
import { executeStep, type CommandWithVariables, type LoadedDefinition } from '../runtime.js';
import { lintXml } from '../../lint/runner.js';
import { AppError } from '../../lib/errors.js';
import { LiveSteps } from '../live-steps.js';
import type { EngineReply, EngineRequest, EngineWorkerData, StepRequest, WireError, WireOutcome } from './protocol.js';

/**
 * An engine worker: runs steps, deploy compiles and lints off the main thread, so that no
 * process, however large or runaway, holds the event loop that answers every other request.
 * It keeps the parsed context of the versions it ran last (parsing costs more than a step).
 */
const port = parentPort;
if (!port) throw new Error('the engine worker runs only as a worker thread');

const PARSED_CACHE_SIZE = 64;
const live = new LiveSteps((workerData as EngineWorkerData | undefined)?.cache);
const parsed = new Map<string, LoadedDefinition>();

function definitionFor(request: StepRequest): LoadedDefinition | null {
  const { definition } = request;
  let loaded = parsed.get(definition.id);
  if (loaded) {
    // Most recently used last: the first key is the one to evict.
    parsed.delete(definition.id);
  } else {
    if (definition.serializedContext === undefined || definition.meta === undefined) return null;
    loaded = {
      id: definition.id,
      key: definition.key,
      version: definition.version,
      meta: definition.meta,
      sourceContext: loadSourceContext(definition.serializedContext),
    };
  }
  parsed.set(definition.id, loaded);
  while (parsed.size > PARSED_CACHE_SIZE) parsed.delete(parsed.keys().next().value as string);
  return loaded;
}

function toCommand(command: StepRequest['command']): CommandWithVariables {
  if (command.kind !== 'service-result' || !('bpmnError' in command.result)) return command;
  const { name, message, code } = command.result.bpmnError;
  const error = Object.assign(new Error(message), { name, code });
  return {
    kind: 'service-result',
    executionId: command.executionId,
    assign: command.assign,
    result: { bpmnError: error },
  };
}

async function step(request: StepRequest): Promise<WireOutcome | 'missingDefinition' | 'missingState'> {
  const definition = definitionFor(request);
  if (!definition) return 'missingDefinition';
  const { now, frozen } = request.clock;
  const offset = now - Date.now();
  const clock = frozen ? () => now : () => Date.now() + offset;
  const command = toCommand(request.command);
  const outcome = request.cache
    ? await live.step(
        definition,
        request.cache,
        request.state,
        request.variables,
        command,
        clock,
        request.limits,
        request.keep !== false,
      )
    : await executeStep(definition, request.state ?? null, request.variables, command, clock, request.limits);
  if (!outcome) return 'missingState';
  const { runaway } = outcome;
  return {
    ...outcome,
    runaway: runaway ? { code: runaway.code, message: runaway.message, elementId: runaway.elementId } : null,
  };
}

function toWireError(err: unknown): WireError {
  if (err instanceof AppError) {
    return {
      name: err.name,
      message: err.message,
      app: { status: err.status, code: err.code, details: err.details, extra: err.extra },
    };
  }
  const error = err instanceof Error ? err : new Error(String(err));
  return { name: error.name, message: error.message };
}

async function handle(request: EngineRequest): Promise<EngineReply | null> {
  try {
    switch (request.kind) {
      case 'step': {
        const value = await step(request);
        if (value === 'missingDefinition')
          return { id: request.id, ok: false, missingDefinition: request.definition.id };
        if (value === 'missingState') return { id: request.id, ok: false, missingState: true };
        return { id: request.id, ok: true, value };
      }
      case 'settle':
        return null;
      case 'cache-stats':
        return { id: request.id, ok: true, value: live.stats() };
      case 'compile': {
        const services = new Set(request.services);
        const value = await compileDefinition(request.xml, { has: (name) => services.has(name) }, request.limits);
        return { id: request.id, ok: true, value };
      }
      case 'lint':
        return { id: request.id, ok: true, value: await lintXml(request.xml, request.data) };
    }
  } catch (err) {
    return { id: request.id, ok: false, error: toWireError(err) };
  }
}

port.on('message', (request: EngineRequest) => {
  // In the order the pool sent them, before the request: a step may continue an engine just settled.
  for (const s of request.settles ?? []) live.settle(s.instanceId, s.revision, s.committed, s.stateJsonLength);
  void handle(request).then((reply) => reply && port.postMessage(reply));
});
port.postMessage({ ready: true });
