import { compileDefinition, loadSourceContext } from '../../server/engine/definitions.js';
import type { LoadedDefinition } from '../../server/engine/runtime.js';

/**
 * A version as a step runs it, straight from BPMN text: compiled as a deploy compiles it (every
 * service known), its context loaded as a node loads it. `id` defaults to the process key.
 */
export async function loadedDefinition(xml: string, id?: string): Promise<LoadedDefinition> {
  const compiled = await compileDefinition(xml, { has: () => true });
  return {
    id: id ?? compiled.key,
    key: compiled.key,
    version: 1,
    sourceContext: loadSourceContext(compiled.serializedContext),
    meta: compiled.meta,
  };
}
