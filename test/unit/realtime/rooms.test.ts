import { describe, expect, it } from 'vitest';
import { parseRoom, roomName } from '../../../server/realtime/contract.js';
import { targetRooms, type DepartmentParents } from '../../../server/realtime/rooms.js';
import type { RealtimePayloads, RealtimeTopic } from '../../../server/realtime/contract.js';
import type { PublishedEvent } from '../../../server/workflow/outbox.js';

const PARENTS: Record<string, string | null> = {
  HQ: null,
  ZJ: 'HQ',
  'ZJ-HZ': 'ZJ',
  'ZJ-HZ-XH': 'ZJ-HZ',
  'ZJ-HZ-YH': 'ZJ-HZ',
};
const tree: DepartmentParents = {
  get: (id) => (id && id in PARENTS ? { id, parentId: PARENTS[id] ?? null } : undefined),
};
const INSTANCE = '6f1c1c52-8a8e-4c8e-9d55-0c6c1f0b2a11';

/** An event carrying only the payload fields routing reads (the rest of the topic's payload is left out). */
function event<T extends RealtimeTopic>(
  topic: T,
  payload: Partial<RealtimePayloads[T]> = {},
  departmentId: string | null = 'ZJ-HZ-XH',
): PublishedEvent {
  return {
    id: 1,
    topic,
    departmentId,
    definitionKey: departmentId ? 'newConnection' : null,
    instanceId: departmentId ? INSTANCE : null,
    payload,
    at: new Date(0).toISOString(),
  } as PublishedEvent;
}

describe('room names', () => {
  it.each([
    ['department:ZJ-HZ-XH', { kind: 'department', departmentId: 'ZJ-HZ-XH' }],
    ['process:newConnection@ZJ', { kind: 'process', definitionKey: 'newConnection', departmentId: 'ZJ' }],
    [`instance:${INSTANCE.toUpperCase()}`, { kind: 'instance', instanceId: INSTANCE }],
    ['user:7d1c1c52-8a8e-4c8e-9d55-0c6c1f0b2a11', { kind: 'user', userId: '7d1c1c52-8a8e-4c8e-9d55-0c6c1f0b2a11' }],
    ['definitions', { kind: 'definitions' }],
  ])('reads %s', (name, room) => {
    expect(parseRoom(name)).toEqual(room);
    // and writes it back the one way (instance ids in lower case)
    expect(roomName(parseRoom(name)!)).toBe(name.startsWith('instance:') ? `instance:${INSTANCE}` : name);
  });

  it.each([
    'department:',
    'department:ZJ;DROP',
    'process:key',
    'instance:42',
    'tasks',
    'department:ZJ ',
    'x'.repeat(300),
  ])('refuses %s', (name) => expect(parseRoom(name)).toBeNull());
});

describe('targetRooms', () => {
  it('sends an instance event to its department, every ancestor, the process per department and the instance', () => {
    expect(targetRooms(event('task:created'), tree, []).sort()).toEqual(
      [
        'department:ZJ-HZ-XH',
        'department:ZJ-HZ',
        'department:ZJ',
        'department:HQ',
        'process:newConnection@ZJ-HZ-XH',
        'process:newConnection@ZJ-HZ',
        'process:newConnection@ZJ',
        'process:newConnection@HQ',
        `instance:${INSTANCE}`,
      ].sort(),
    );
  });

  it('never reaches a sibling county', () => {
    expect(targetRooms(event('task:claimed'), tree, [])).not.toContain('department:ZJ-HZ-YH');
  });

  it('adds the personal rooms of the users the event names', () => {
    expect(targetRooms(event('task:assigned'), tree, ['u1', 'u2'])).toEqual(
      expect.arrayContaining(['user:u1', 'user:u2', 'department:ZJ-HZ-XH']),
    );
  });

  it('keeps a notification addressed to a user personal; a notice to a customer goes by department', () => {
    expect(targetRooms(event('notification:sent', { userId: 'u9' }), tree, [])).toEqual(['user:u9']);
    expect(targetRooms(event('notification:sent', { customerId: 'c1' }), tree, [])).toContain('department:ZJ-HZ-XH');
  });

  it('sends definition:deployed to the definitions room only', () => {
    expect(targetRooms(event('definition:deployed', {}, null), tree, [])).toEqual(['definitions']);
  });
});
