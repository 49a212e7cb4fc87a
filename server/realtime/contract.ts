/**
 * The Socket.IO contract shared by the server and the browser app (socket.io's typed event maps,
 * as in its basic-crud example). Plain TypeScript with no Node imports: `modeler/` imports it.
 * The protocol is described in server/realtime/README.md.
 */

export const REALTIME_PATH = '/socket.io';

/** The instance every instance-scoped event is about (added by the outbox writer). */
export interface InstanceFields {
  instanceId: string;
  businessKey: string | null;
}

/** What an instance-scoped topic adds to {@link InstanceFields}. */
export interface InstanceTopicDetails {
  'instance:started': { startedBy: string };
  'instance:due': { dueAt: string | null };
  'instance:completed': Record<never, never>;
  'instance:failed': Record<never, never>;
  'instance:cancelled': { reason: string | null; by: string };
  /** Tokens moved by an operator (cancelled and started activities). */
  'instance:modified': { reason: string; by: string; cancelled: string[]; started: string[] };
  /** Moved to another version of its process. */
  'instance:migrated': { fromDefinitionId: string; toDefinitionId: string; toVersion: number; by: string };
  /** Suspended: no task completion, job, timer or message runs until it is resumed. */
  'instance:suspended': { reason: string; by: string };
  'instance:resumed': { reason: string; by: string };
  /** Variables edited by hand (their history: GET /process-instances/:id/variable-history). */
  'instance:variables-updated': { names: string[]; reason: string; by: string };
  /** An operator's comment on the instance itself (comments on its tasks are task:commented). */
  'instance:commented': { commentId: string; by: string };
  'incident:created': { incidentId?: string; elementId?: string; message: string | null };
  'incident:resolved': { incidentId: string; by: string };
  'message:delivered': { name: string; elementId: string };
  'task:created': {
    taskId: string;
    elementId: string;
    name: string | null;
    candidateGroups: string[];
    assignee: string | null;
    dueAt: string | null;
  };
  'task:claimed': { taskId: string; assignee: string; assigneeName: string };
  'task:unclaimed': { taskId: string };
  'task:completed': { taskId: string; completedBy: string; elementId?: string };
  'task:assigned': { taskId: string; assignee: string | null; previous: string | null; by: string };
  'task:delegated': { taskId: string; assignee: string; previous: string | null; owner: string; by: string };
  'task:resolved': { taskId: string; assignee: string; previous: string; by: string };
  'task:cancelled': { taskId: string };
  'task:commented': TaskCommentedDetails;
}

/** A comment or an attachment added to a task. */
export interface TaskCommentedDetails {
  taskId: string;
  author: string;
  commentId?: string;
  attachmentId?: string;
  filename?: string;
}

export type SlaAlertKind = 'due-soon' | 'breached';

export interface SlaAlertPayload {
  kind: SlaAlertKind;
  subjectType: 'task' | 'instance';
  taskId: string | null;
  instanceId: string;
  businessKey: string | null;
  elementId: string | null;
  name: string | null;
  assignee: string | null;
  dueAt: string;
}

/** Topics that are not about one instance's step: their payload is written whole by the emitter. */
export interface OtherTopicPayloads {
  'sla:due-soon': SlaAlertPayload;
  'sla:breached': SlaAlertPayload;
  'sla:acknowledged': {
    kind: SlaAlertKind;
    subjectType: 'task' | 'instance';
    taskId: string | null;
    instanceId: string;
    by: string;
  };
  'notification:sent': {
    notificationId: string;
    template: string;
    channel: string;
    customerId: string | null;
    accountNo: string | null;
  };
  'definition:deployed': { definitionId: string; key: string; version: number };
  'batch:created': BatchProgressPayload;
  /** A batch moved on (sent at most every few items, and on the last). */
  'batch:progress': BatchProgressPayload;
  'batch:completed': BatchProgressPayload;
  /** A payment committed (counter, bank, online hall …): the customer's department rooms. */
  'payment:received': PaymentReceivedPayload;
}

/** A payment as the back office's live list shows it; `amount` a decimal string, `paidAt` ISO. */
export interface PaymentReceivedPayload {
  paymentId: string;
  customerId: string;
  accountNo: string;
  customerName: string;
  amount: string;
  channel: string;
  paidAt: string;
}

/** Where a batch stands; `userId` (its creator) routes it to their personal room too. */
export interface BatchProgressPayload {
  batchId: string;
  type: string;
  status: 'running' | 'completed';
  total: number;
  succeeded: number;
  failed: number;
  userId: string;
}

export type InstanceTopic = keyof InstanceTopicDetails;

/**
 * Routing reads a few optional fields by name (assignee, recipient, userId …) on any payload:
 * undeclared keys read as `unknown`, never as a typed value.
 */
type Open = Readonly<Record<string, unknown>>;

/** The event map: each `noun:verb` topic and the payload it carries (camelCase keys). */
export type RealtimePayloads = {
  [T in InstanceTopic]: InstanceFields & InstanceTopicDetails[T] & Open;
} & { [T in keyof OtherTopicPayloads]: OtherTopicPayloads[T] & Open };

export type RealtimeTopic = keyof RealtimePayloads;

const TOPICS: Record<RealtimeTopic, true> = {
  'instance:started': true,
  'instance:due': true,
  'instance:completed': true,
  'instance:failed': true,
  'instance:cancelled': true,
  'instance:modified': true,
  'instance:migrated': true,
  'instance:suspended': true,
  'instance:resumed': true,
  'instance:variables-updated': true,
  'instance:commented': true,
  'incident:created': true,
  'incident:resolved': true,
  'message:delivered': true,
  'task:created': true,
  'task:claimed': true,
  'task:unclaimed': true,
  'task:completed': true,
  'task:assigned': true,
  'task:delegated': true,
  'task:resolved': true,
  'task:cancelled': true,
  'task:commented': true,
  'sla:due-soon': true,
  'sla:breached': true,
  'sla:acknowledged': true,
  'notification:sent': true,
  'definition:deployed': true,
  'batch:created': true,
  'batch:progress': true,
  'batch:completed': true,
  'payment:received': true,
};

export const REALTIME_TOPICS = Object.keys(TOPICS) as RealtimeTopic[];

export function isRealtimeTopic(topic: string): topic is RealtimeTopic {
  return Object.prototype.hasOwnProperty.call(TOPICS, topic);
}

/** Where an event belongs and what it says, for one topic (the outbox row before it has an id). */
export interface TopicEvent<T extends RealtimeTopic> {
  /** `noun:verb`, e.g. `task:created`, `task:claimed`, `instance:completed`, `incident:created`. */
  topic: T;
  departmentId: string | null;
  definitionKey: string | null;
  instanceId: string | null;
  payload: RealtimePayloads[T];
}

/** Any topic's event, discriminated by `topic`: narrowing the topic narrows the payload. */
export type AnyTopicEvent = { [T in RealtimeTopic]: TopicEvent<T> }[RealtimeTopic];

/** The topics of a family (`task`, `instance`, `sla` …). */
export type TopicOf<F extends string> = Extract<RealtimeTopic, `${F}:${string}`>;

/** A committed change, as pushed to clients: one outbox row plus the public rooms it belongs to. */
export type RealtimeEvent<T extends RealtimeTopic = RealtimeTopic> = {
  [K in T]: TopicEvent<K> & {
    /** The outbox id: increasing, unique; clients remember the largest they saw for catch-up. */
    id: number;
    /** Commit time (ISO 8601). */
    at: string;
    /** The rooms this event was sent to (a client dispatches it to its subscriptions among them). */
    rooms: string[];
  };
}[T];

/** Whether an event is of a topic family (`task`, `notification` …): narrows its topic and payload. */
export function inFamily<F extends string, E extends { topic: RealtimeTopic }>(
  event: E,
  family: F,
): event is Extract<E, { topic: TopicOf<F> }> {
  return event.topic.startsWith(`${family}:`);
}

/** The kinds of room a client may subscribe to (the server decides by Casbin whether it may). */
export type Room =
  | { kind: 'department'; departmentId: string }
  | { kind: 'process'; definitionKey: string; departmentId: string }
  | { kind: 'instance'; instanceId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'definitions' };

const ID = '[A-Za-z0-9_-]{1,64}';
const KEY = '[A-Za-z_][A-Za-z0-9_.-]{0,127}';
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const PATTERNS: [RegExp, (m: RegExpExecArray) => Room][] = [
  [new RegExp(`^department:(${ID})$`), (m) => ({ kind: 'department', departmentId: m[1] as string })],
  [
    new RegExp(`^process:(${KEY})@(${ID})$`),
    (m) => ({ kind: 'process', definitionKey: m[1] as string, departmentId: m[2] as string }),
  ],
  [new RegExp(`^instance:(${UUID})$`), (m) => ({ kind: 'instance', instanceId: (m[1] as string).toLowerCase() })],
  [new RegExp(`^user:(${ID})$`), (m) => ({ kind: 'user', userId: m[1] as string })],
  [/^definitions$/, () => ({ kind: 'definitions' })],
];

/** Room names, built the one way the server and clients agree on. */
export const rooms = {
  department: (departmentId: string) => `department:${departmentId}`,
  process: (definitionKey: string, departmentId: string) => `process:${definitionKey}@${departmentId}`,
  instance: (instanceId: string) => `instance:${instanceId}`,
  user: (userId: string) => `user:${userId}`,
  definitions: () => 'definitions',
};

export function parseRoom(name: string): Room | null {
  if (typeof name !== 'string' || name.length > 200) return null;
  for (const [pattern, build] of PATTERNS) {
    const m = pattern.exec(name);
    if (m) return build(m);
  }
  return null;
}

export function roomName(room: Room): string {
  switch (room.kind) {
    case 'department':
      return rooms.department(room.departmentId);
    case 'process':
      return rooms.process(room.definitionKey, room.departmentId);
    case 'instance':
      return rooms.instance(room.instanceId);
    case 'user':
      return rooms.user(room.userId);
    case 'definitions':
      return rooms.definitions();
  }
}

export type RealtimeErrorCode =
  'VALIDATION_FAILED' | 'INVALID_ROOM' | 'FORBIDDEN' | 'NOT_FOUND' | 'TOO_MANY_ROOMS' | 'RATE_LIMITED' | 'INTERNAL';

export interface RealtimeError {
  code: RealtimeErrorCode;
  message: string;
}

export interface SubscribeRequest {
  room: string;
  /** The largest event id the client saw (in any room): missed events of this room are replayed first. */
  since?: number;
}

export type SubscribeAck =
  | {
      ok: true;
      /** Events replayed to this socket before the ack (some may repeat ids already seen: dedupe by id). */
      replayed: number;
      /** Too many missed events to replay: reload the list over HTTP, then continue live. */
      resync: boolean;
      /** The newest event id now: the `since` to use on a later re-subscribe if nothing arrives. */
      latest: number;
    }
  | { ok: false; error: RealtimeError };

export type UnsubscribeAck = { ok: true } | { ok: false; error: RealtimeError };

export interface ServerToClientEvents {
  event: (event: RealtimeEvent) => void;
  /** The server removed the socket from a room it may no longer read (permissions changed). */
  'room:revoked': (notice: { room: string; reason: string }) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: { room: string }, ack: (result: UnsubscribeAck) => void) => void;
}

/** Why a handshake was refused (`connect_error` → `err.message`). */
export const HANDSHAKE_ERRORS = {
  unauthenticated: 'UNAUTHENTICATED',
} as const;
