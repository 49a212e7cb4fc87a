import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestPlatform } from '../../support/platform.js';

/** One GET on a kept-alive agent: its status, its Keep-Alive header and the socket it left open. */
function get(url: string, agent: http.Agent): Promise<{ status: number; keepAlive: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, keepAlive: String(res.headers['keep-alive']), socket: req.socket! }),
      );
    });
    req.on('error', reject);
  });
}

describe('kept-alive connections', () => {
  it('keeps an idle connection a minute, and still closes at once when the node stops', async () => {
    const t = await startTestPlatform('pglite');
    const agent = new http.Agent({ keepAlive: true });
    try {
      const first = await get(`${t.url}/healthz`, agent);
      expect(first.status).toBe(200);
      // longer than the 60 s a proxy commonly keeps its idle upstream connections
      expect(first.keepAlive).toBe('timeout=65');
      // the next request goes on the same connection
      const second = await get(`${t.url}/healthz`, agent);
      expect(second.socket).toBe(first.socket);
      const closed = new Promise<void>((resolve) => first.socket.once('close', () => resolve()));

      // stopping does not wait for the idle connection's minute
      const started = performance.now();
      await t.close();
      await closed;
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      agent.destroy();
    }
  });

  it('gives a request still arriving when the node stops a few seconds, then closes its connection', async () => {
    const t = await startTestPlatform('pglite');
    const { port } = new URL(t.url);
    // a request whose body never comes: the node would wait for it up to its request timeout (60 s)
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 200));

    const started = performance.now();
    await t.close();
    await closed;
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(4_500);
    expect(ms).toBeLessThan(15_000);
  });
});
