import http from 'node:http';
import { ApiClient, type Exchange } from '../test/support/client.js';

/**
 * Kept-alive connections shared by every client of the process, as many as requests in flight. An
 * idle one is closed after 60 s, before the server's keep-alive timeout (65 s) closes it: a
 * request sent on a connection the server is closing fails with ECONNRESET (fetch's client reads
 * the server's Keep-Alive hint for the same reason). A user's next request after a think time
 * (3–10 s) goes on the connection it left, as a browser's would.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 60_000 });

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
  ): Promise<Exchange> {
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
