import type { Variables } from './step-context.js';

/** The local variables of one activity execution that has camunda:inputOutput. */
export interface LocalScope {
  elementId: string;
  /** Execution ids of the enclosing executions, innermost first (some of them scopes too). */
  parents: string[];
  variables: Variables;
  /** Set once its outputs are mapped: the activity is leaving and its locals no longer show. */
  ended?: boolean;
}

/** Every open local scope of an instance, by execution id: kept in the engine state between steps. */
export type LocalScopes = Record<string, LocalScope>;

/** The key under which the local scopes ride along in the saved engine state. */
export const SCOPES_STATE_KEY = 'platformScopes';

interface ContentLike {
  executionId?: unknown;
  parent?: { executionId?: unknown; path?: { executionId?: unknown }[] };
}

/** The execution ids an activity's message names: its own, then its parents', innermost first. */
export function executionChain(content: ContentLike | undefined): string[] {
  if (!content) return [];
  const ids = [
    content.executionId,
    content.parent?.executionId,
    ...(content.parent?.path ?? []).map((p) => p.executionId),
  ];
  return ids.filter((id): id is string => typeof id === 'string');
}

/**
 * Camunda 7's variable scopes, for the activities that have input/output mappings: an input
 * parameter creates a local variable of the activity's execution; reading a name looks in the
 * innermost scope that has it, then the process instance; setting a name (a task's completion,
 * a service's result, an output parameter) updates the innermost scope that already holds it, and
 * otherwise the process instance — AbstractVariableScope#setVariable's rule. Processes without
 * mappings never open a scope and keep the one flat map of instance variables.
 */
export class VariableScopes {
  constructor(
    /** The process instance's variables (the root scope), changed in place. */
    readonly instance: Variables,
    readonly scopes: LocalScopes = {},
  ) {}

  get empty(): boolean {
    return Object.keys(this.scopes).length === 0;
  }

  private open(chain: string[]): LocalScope[] {
    const found: LocalScope[] = [];
    for (const id of chain) {
      const scope = this.scopes[id];
      if (scope && !scope.ended) found.push(scope);
    }
    return found;
  }

  /** The local variables visible along a chain, inner ones over outer ones (the instance's excluded). */
  visible(chain: string[]): Variables | undefined {
    const open = this.open(chain);
    if (open.length === 0) return undefined;
    const merged: Variables = {};
    for (const scope of open.reverse()) Object.assign(merged, scope.variables);
    return merged;
  }

  /** Sets a variable along a chain: in the innermost scope that holds it, else on the instance. */
  set(chain: string[], name: string, value: unknown): void {
    const holder = this.open(chain).find((s) => Object.prototype.hasOwnProperty.call(s.variables, name));
    (holder ? holder.variables : this.instance)[name] = value;
  }

  begin(executionId: string, elementId: string, parents: string[], variables: Variables): void {
    this.scopes[executionId] = { elementId, parents, variables };
  }

  /** The activity's outputs are mapped: its locals stop showing to what follows it. */
  end(executionId: string): LocalScope | undefined {
    const scope = this.scopes[executionId];
    if (scope) scope.ended = true;
    return scope;
  }

  close(executionId: string): void {
    delete this.scopes[executionId];
  }
}
