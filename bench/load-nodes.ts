/**
 * The server nodes of bench/load, and their CPU and memory sampled every second from /proc.
 * A node is `server/main.ts` in a process of its own, as test/support/server-process.ts starts it,
 * with its pid at hand (for /proc) and a longer wait for readiness: the first start of a node
 * generates the demo customers and their bills, which on PGlite under load takes minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSecondsFromStat, rssMbFromStatus } from './load-plan.js';
import { freePort } from '../test/support/server-process.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export class LoadNode {
  private child: ChildProcess | null = null;
  output = '';

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly flags: string[] = [],
  ) {}

  /** `flags`: Node/V8 flags of this node only (`BENCH_NODE<i>_FLAGS`, as bench/engine takes them). */
  static async create(name: string, env: Record<string, string>, flags: string[] = []): Promise<LoadNode> {
    return new LoadNode(name, await freePort(), env, flags);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error(`${this.name} is not running`);
    return pid;
  }

  async start(readyWithinMs: number): Promise<void> {
    const env: Record<string, string | undefined> = { ...process.env };
    // The bench's own environment must not leak a database into a node configured without one.
    delete env.DATABASE_URL;
    this.child = spawn(
      process.execPath,
      ['--max-semi-space-size=64', ...this.flags, '--import', 'tsx', 'server/main.ts'],
      {
        cwd: ROOT,
        env: { ...env, HOST: '127.0.0.1', PORT: String(this.port), LOG_LEVEL: 'warn', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // Keep the last 64 KB: enough for the error that stopped it, not a soak's worth of logs.
    // BENCH_LOG_DIR keeps each node's whole log (warnings, lost engine workers) for a run that needs explaining.
    const logDir = process.env.BENCH_LOG_DIR;
    // A folder that is not there yet is made, rather than failing the run at its first log line.
    if (logDir) mkdirSync(logDir, { recursive: true });
    const log: WriteStream | null = logDir
      ? createWriteStream(path.join(logDir, `${this.name}.log`), { flags: 'a' })
      : null;
    const keep = (d: Buffer) => {
      log?.write(d);
      this.output = (this.output + d.toString()).slice(-65_536);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const deadline = Date.now() + readyWithinMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null)
        throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/readyz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} did not become ready within ${readyWithinMs / 1000} s:\n${this.output}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timeout);
    this.child = null;
  }
}

export interface ResourceSample {
  /** performance.now() of the reading. */
  at: number;
  cpuSeconds: number;
  rssMb: number;
}

/** Reads each node's /proc every second while running. */
export class ResourceSampler {
  readonly samples = new Map<string, ResourceSample[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly nodes: { name: string; pid: number }[]) {
    for (const n of nodes) this.samples.set(n.name, []);
  }

  start(everyMs = 1000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  sample(): void {
    const at = performance.now();
    for (const n of this.nodes) {
      try {
        const cpuSeconds = cpuSecondsFromStat(readFileSync(`/proc/${n.pid}/stat`, 'utf8'));
        const rssMb = rssMbFromStatus(readFileSync(`/proc/${n.pid}/status`, 'utf8'));
        this.samples.get(n.name)!.push({ at, cpuSeconds, rssMb });
      } catch {
        // The process is gone (it crashed or is stopping): its errors show in the requests.
      }
    }
  }

  /**
   * Over [from, to]: CPU as per cent of one core, RSS at the first and last reading and its peak.
   * Readings are a second apart, so the window is widened to the readings around it.
   */
  window(name: string, from: number, to: number) {
    const all = this.samples.get(name) ?? [];
    const inside = all.filter((s) => s.at >= from - 1000 && s.at <= to + 1000);
    const first = inside[0];
    const last = inside[inside.length - 1];
    if (!first || !last || last.at === first.at) return null;
    return {
      cpuPct: (100 * (last.cpuSeconds - first.cpuSeconds)) / ((last.at - first.at) / 1000),
      rssStartMb: first.rssMb,
      rssEndMb: last.rssMb,
      rssPeakMb: Math.max(...inside.map((s) => s.rssMb)),
    };
  }
}
