/**
 * Issue 8 §6: the delay from commit to arrival at N connected Socket.IO clients.
 *
 *   npm run bench -- realtime [--clients 500] [--instances 200] [--concurrency 4] [--nodes 1|2]
 *
 * Real server processes on a fresh PostgreSQL database; N real socket.io-client sockets logged
 * in as demo clerks and managers of three counties (sessions reused), each subscribed to its
 * county's department room (the managers to the province), split across the nodes. The driver
 * starts instances through the HTTP API round-robin over the counties and nodes; every socket
 * whose room covers the county must receive the `task:created` event. Delay = arrival time at
 * the client − the event's `at` (the outbox row's created_at: `clock_timestamp()` when the row
 * is written, the transaction's last statement before COMMIT). With `--nodes 2` half of the
 * sockets sit on the node that did not commit, so their events go through the PostgreSQL
 * adapter.
 */
import { io, type Socket } from 'socket.io-client';
import { REALTIME_PATH, type ClientToServerEvents, type ServerToClientEvents } from '../server/realtime/contract.js';
import { ApiClient } from '../test/support/client.js';
import type { ServerProcess } from '../test/support/server-process.js';
import { sessionCookie } from '../test/integration/realtime/socket-client.js';
import { deployAcceptance } from '../test/integration/realtime/processes.js';
import { report, round, summary } from './stats.js';
import { benchArgs, startBenchServers, withBenchDatabase } from './support.js';

const args = benchArgs();
const CLIENTS = Number(args.get('clients') ?? 500);
const INSTANCES = Number(args.get('instances') ?? 200);
const CONCURRENCY = Number(args.get('concurrency') ?? 4);
const NODES = Number(args.get('nodes') ?? 1);
const BENCH_KEY = 'rtBench';

/** Who listens where: each user subscribes to one department room. */
const LISTENERS: [username: string, room: string, counties: string[]][] = [
  ['xh.clerk2', 'department:ZJ-HZ-XH', ['ZJ-HZ-XH']],
  ['xh.leader', 'department:ZJ-HZ-XH', ['ZJ-HZ-XH']],
  ['yh.clerk2', 'department:ZJ-HZ-YH', ['ZJ-HZ-YH']],
  ['yh.leader', 'department:ZJ-HZ-YH', ['ZJ-HZ-YH']],
  ['jn.clerk2', 'department:JS-NJ-JN', ['JS-NJ-JN']],
  ['jn.leader', 'department:JS-NJ-JN', ['JS-NJ-JN']],
  ['zj.manager', 'department:ZJ', ['ZJ-HZ-XH', 'ZJ-HZ-YH']],
];
/** Who starts the instances, per county. */
const STARTERS: [county: string, username: string][] = [
  ['ZJ-HZ-XH', 'xh.clerk'],
  ['ZJ-HZ-YH', 'yh.clerk'],
  ['JS-NJ-JN', 'jn.clerk'],
];

type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function connect(url: string, cookie: string): Promise<BenchSocket> {
  const socket: BenchSocket = io(url, {
    path: REALTIME_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { cookie },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function startServers(url: string): Promise<ServerProcess[]> {
  const servers = await startBenchServers(url, NODES);
  if (NODES > 1) {
    // The adapters LISTEN asynchronously: wait until every node has heard from all the others.
    for (const server of servers) {
      const admin = await new ApiClient(server.url).login('admin');
      for (let tries = 0; (await admin.get('/api/v1/realtime/status')).body.nodes < NODES; tries++) {
        if (tries > 300) throw new Error(`${server.url} does not see ${NODES} nodes`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return servers;
}

interface Listener {
  socket: BenchSocket;
  counties: string[];
}

async function connectListeners(servers: ServerProcess[], delays: number[]) {
  const base = servers[0]!.url;
  const cookies = new Map<string, string>();
  for (const [username] of LISTENERS) cookies.set(username, await sessionCookie(base, username));
  const listeners: Listener[] = [];
  for (let i = 0; i < CLIENTS; i += 50) {
    const batch = Array.from({ length: Math.min(50, CLIENTS - i) }, async (_, j) => {
      const [username, room, counties] = LISTENERS[(i + j) % LISTENERS.length]!;
      const socket = await connect(servers[(i + j) % servers.length]!.url, cookies.get(username)!);
      socket.on('event', (e) => {
        // Only the bench's own process: the demo processes' daily jobs also create tasks.
        if (e.topic === 'task:created' && e.definitionKey === BENCH_KEY) delays.push(Date.now() - Date.parse(e.at));
      });
      const ack = await socket.timeout(30_000).emitWithAck('subscribe', { room });
      if (!ack.ok) throw new Error(`${username} may not join ${room}: ${ack.error.message}`);
      return { socket, counties };
    });
    listeners.push(...(await Promise.all(batch)));
  }
  return listeners;
}

async function drive(servers: ServerProcess[], listeners: Listener[]) {
  const starters = await Promise.all(
    STARTERS.map(async ([county, username]) => ({
      county,
      clients: await Promise.all(servers.map((s) => new ApiClient(s.url).login(username))),
    })),
  );
  const perCounty = new Map(STARTERS.map(([county]) => [county, 0]));
  for (const l of listeners) for (const c of l.counties) perCounty.set(c, (perCounty.get(c) ?? 0) + 1);
  let next = 0;
  let expected = 0;
  let failed = 0;
  const requests: number[] = [];
  const worker = async () => {
    for (let i = next++; i < INSTANCES; i = next++) {
      const starter = starters[i % starters.length]!;
      const client = starter.clients[Math.floor(i / starters.length) % servers.length]!;
      const sent = Date.now();
      const res = await client.post('/api/v1/process-instances', { definitionKey: BENCH_KEY });
      requests.push(Date.now() - sent);
      if (res.status !== 201) failed++;
      else expected += perCounty.get(starter.county) ?? 0;
    }
  };
  const began = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { expected, failed, requests, seconds: (Date.now() - began) / 1000 };
}

async function measure(url: string) {
  const servers = await startServers(url);
  const delays: number[] = [];
  let listeners: Listener[] = [];
  try {
    await deployAcceptance(await new ApiClient(servers[0]!.url).login('designer'), BENCH_KEY);
    listeners = await connectListeners(servers, delays);
    const { expected, failed, requests, seconds } = await drive(servers, listeners);
    // Wait for stragglers: until everything expected arrived, or nothing new for 5 s.
    let last = -1;
    let quietSince = Date.now();
    while (delays.length < expected && Date.now() - quietSince < 5000) {
      if (delays.length !== last) {
        last = delays.length;
        quietSince = Date.now();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return { expected, delivered: delays.length, failed, seconds, delays, requests };
  } finally {
    for (const l of listeners) l.socket.close();
    for (const s of servers) await s.stop().catch(() => s.kill());
  }
}

export async function run(): Promise<void> {
  const result = await withBenchDatabase('pmbench_realtime', measure);
  report(`realtime: commit → arrival at ${CLIENTS} Socket.IO clients, ${NODES} node(s)`, {
    'instances started': INSTANCES,
    'start rate (inst/s)': round(INSTANCES / result.seconds, 1),
    'task:created expected at clients': result.expected,
    'task:created delivered': result.delivered,
    'delay, ms (created_at → client)': summary(result.delays),
    'start request, ms (for comparison)': summary(result.requests),
    'failed starts': result.failed,
  });
}
