import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * bpmn-elements' executions (definition, process, activity) answer `getApi(message)` with an Api
 * object and then add `getExecuting` to it: a closure over the execution, set as a new property.
 * V8's young-generation collector keeps a closure stored that way alive, and through it the
 * execution, its process and every broker, queue and consumer of the engine: a finished engine
 * survived every scavenge, was copied and promoted, and only the next full collection freed it.
 * For acceptance (A01) of a new connection that was ~5 MB promoted per step and about two thirds
 * of the step's CPU (bench/README.md, "engine: a finished engine outlived the scavenger because
 * of two closures").
 *
 * Here `getExecuting` is a method of an Api subclass that holds the execution in a field, so no
 * closure is made per call. The answers are the library's own: the same Api fields, the same
 * `getExecuting` over the same postponed set, read when it is called as before.
 *
 * The executions are not exported, so their modules are imported by file from the package's
 * ESM sources (the copy bpmn-engine runs). A version whose `getApi` differs from the one this
 * replaces is left alone (`leanApis.applied` says so; a unit test fails on it).
 */
const require = createRequire(import.meta.url);
// The package's `require` entry is dist/index.js; its ESM sources sit beside it.
const sources = join(dirname(require.resolve('bpmn-elements')), '..', 'src');
const load = (file: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(sources, file)).href);

type Message = { content: { executionId?: string } };
type ApiConstructor = new (prefix: string, broker: unknown, message: Message, environment?: unknown) => object;
type ExecutionProto = { getApi: (this: Execution, message?: Message) => unknown };
interface Execution {
  [key: symbol]: unknown;
  executionId: string;
  broker: unknown;
  source?: { getApi?(message: Message): unknown };
  getApi(message?: Message): unknown;
  _createMessage(): Message['content'];
  _getProcessApi(message: Message): unknown;
  _getChildApi(message: Message): unknown;
}

const kExecuteMessage = Symbol.for('executeMessage');
const kProcesses = Symbol.for('processes');
const kElements = Symbol.for('elements');
const kPostponed = Symbol.for('postponed');
const kOwner = Symbol('execution');
const kMessage = Symbol('api message');
const kChildren = Symbol('postponed children');

const [apiModule, definitionModule, processModule, activityModule] = await Promise.all([
  load('Api.js'),
  load('definition/DefinitionExecution.js'),
  load('process/ProcessExecution.js'),
  load('activity/ActivityExecution.js'),
]);
const Api = apiModule.Api as ApiConstructor;
const prototypes = {
  definition: (definitionModule.default as { prototype: ExecutionProto }).prototype,
  process: (processModule.default as { prototype: ExecutionProto }).prototype,
  activity: (activityModule.default as { prototype: ExecutionProto }).prototype,
};

/**
 * A definition's or a process's Api: `getExecuting` answers the Apis of what the execution has
 * postponed (its processes, its children), as the library's closure did.
 */
class ContainerExecutionApi extends Api {
  declare [kOwner]: Execution;
  declare [kChildren]: { postponed: symbol; api: '_getProcessApi' | '_getChildApi' };
  constructor(
    prefix: 'definition' | 'process',
    execution: Execution,
    message: Message,
    children: { postponed: symbol; api: '_getProcessApi' | '_getChildApi' },
  ) {
    super(prefix, execution.broker, message);
    this[kOwner] = execution;
    this[kChildren] = children;
  }
  getExecuting(): unknown[] {
    const execution = this[kOwner];
    const apis: unknown[] = [];
    const children = this[kChildren];
    for (const msg of (execution[children.postponed] as { postponed: Set<Message> }).postponed) {
      const api = execution[children.api](msg);
      if (api) apis.push(api);
    }
    return apis;
  }
}
const PROCESSES = { postponed: kProcesses, api: '_getProcessApi' } as const;
const CHILDREN = { postponed: kElements, api: '_getChildApi' } as const;
class DefinitionExecutionApi extends ContainerExecutionApi {
  constructor(execution: Execution, message: Message) {
    super('definition', execution, message, PROCESSES);
  }
}
class ProcessExecutionApi extends ContainerExecutionApi {
  constructor(execution: Execution, message: Message) {
    super('process', execution, message, CHILDREN);
  }
}

class ActivityExecutionApi extends Api {
  declare [kOwner]: Execution;
  declare [kMessage]: Message;
  constructor(execution: Execution, message: Message) {
    super('activity', execution.broker, message);
    this[kOwner] = execution;
    this[kMessage] = message;
  }
  getExecuting(): unknown[] {
    const execution = this[kOwner];
    const apis: unknown[] = [];
    for (const msg of execution[kPostponed] as Message[]) {
      if (msg.content.executionId === this[kMessage].content.executionId) continue;
      apis.push(execution.getApi(msg));
    }
    return apis;
  }
}

/** The library's code these replace: each adds `getExecuting` to the Api it made. */
const expected = (fn: unknown) =>
  typeof fn === 'function' && String(fn).includes('api.getExecuting = function getExecuting');
const applicable = Object.values(prototypes).every((p) => expected(p.getApi));

/** The library's own `getApi`, kept so that a test can compare the answers. */
const originals = {
  definition: prototypes.definition.getApi,
  process: prototypes.process.getApi,
  activity: prototypes.activity.getApi,
};

if (applicable) {
  prototypes.definition.getApi = function getApi(this: Execution, apiMessage?: Message) {
    const message = apiMessage ?? (this[kExecuteMessage] as Message | undefined) ?? { content: this._createMessage() };
    if (message.content.executionId !== this.executionId) return this._getProcessApi(message);
    return new DefinitionExecutionApi(this, message);
  };
  prototypes.process.getApi = function getApi(this: Execution, message?: Message) {
    // Without a message the library answers a plain Api, without getExecuting.
    if (!message) return new Api('process', this.broker, this[kExecuteMessage] as Message);
    if (message.content.executionId !== this.executionId) return this._getChildApi(message);
    return new ProcessExecutionApi(this, message);
  };
  prototypes.activity.getApi = function getApi(this: Execution, apiMessage?: Message) {
    const message = apiMessage ?? (this[kExecuteMessage] as Message);
    if (this.source?.getApi) {
      const sourceApi = this.source.getApi(message);
      if (sourceApi) return sourceApi;
    }
    return new ActivityExecutionApi(this, message);
  };
}

export const leanApis = {
  applied: applicable,
  originals,
  ActivityExecutionApi,
  ProcessExecutionApi,
  DefinitionExecutionApi,
};
