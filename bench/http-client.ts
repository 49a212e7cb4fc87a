import http from 'node:http';
import { ApiClient } from '../test/support/client.js';

/** Kept-alive connections shared by every client of the process, as many as requests in flight. */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * The tests' client sending through `node:http` instead of fetch. The driver shares the machine's
 * two cores with the nodes and PostgreSQL: fetch (WHATWG streams and header objects per request)
 * cost several times the CPU per request of a plain kept-alive request, and added its time to
 * every latency measured.
 */
export class BenchClient extends ApiClient {
  protected override send(
    method: string,
    url: string,
    headers: Record<string, string>,
    payload: string | FormData | undefined,
  ): Promise<{ status: number; headers: Headers; text: string }> {
    if (payload instanceof FormData) return super.send(method, url, headers, payload);
    return new Promise((resolve, reject) => {
      const outgoing: Record<string, string | number> = { ...headers };
      if (payload !== undefined) outgoing['content-length'] = Buffer.byteLength(payload);
      const req = http.request(url, { method, agent, headers: outgoing }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const received = new Headers();
          const raw = res.rawHeaders;
          for (let i = 0; i < raw.length; i += 2) received.append(raw[i]!, raw[i + 1]!);
          resolve({ status: res.statusCode ?? 0, headers: received, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
}
