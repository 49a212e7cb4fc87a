import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';

/** modeler/dist, built by `npm run build:web` (npm start builds it when stale). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../modeler/dist/', import.meta.url));

/** Paths the server answers itself; the app never shadows them, even with a 404. */
const SERVER_PREFIXES = ['/api/', '/socket.io/', '/healthz', '/readyz', '/metrics'];

/**
 * The browser app's Content-Security-Policy: scripts only from this origin (Vite emits no inline
 * script), inline *styles* allowed because bpmn-js and form-js position elements with style
 * attributes, no plugins, no framing, API and Socket.IO on this origin only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const MISSING_BUILD = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>电力营销业务流程平台</title></head>
<body><h1>电力营销业务流程平台</h1><p>The browser app is not built: run <code>npm run build:web</code> (npm start does it).
The API is under <code>/api/v1</code>; see the <a href="/api/docs">API reference</a>.</p></body></html>`;

/**
 * The customer hall (网上营业厅) is a second app of the same build: its pages are dist/hall/index.html,
 * its hashed files share dist/assets/ with the staff app.
 */
const HALL_PREFIX = '/hall';

/** The page a path that is not a file falls back to: the hall's for /hall and below, else the staff app's. */
function spaIndexFor(relative: string): string {
  return relative === HALL_PREFIX || relative.startsWith(`${HALL_PREFIX}/`) ? 'hall/index.html' : 'index.html';
}

/**
 * Serves the single-page apps: hashed files under /assets/ with a year-long immutable cache,
 * everything else that is not a file gets its app's index.html (no-cache, so a deploy is seen at
 * once) — the hall's under /hall/, the staff app's elsewhere.
 * Mounted before the routers and acts after them, only on GET/HEAD requests nothing answered.
 */
export function serveWebApp(root: string = DEFAULT_WEB_ROOT) {
  const base = path.resolve(root);
  return async (ctx: Context, next: Next) => {
    await next();
    if (ctx.body !== undefined || ctx.status !== 404) return;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return;
    if (SERVER_PREFIXES.some((p) => ctx.path === p.replace(/\/$/, '') || ctx.path.startsWith(p))) return;

    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path);
    } catch {
      return;
    }
    // Dot-segments (a build in progress in dist/.build-*) are never served.
    if (relative.split('/').some((segment) => segment.startsWith('.'))) return;
    const file = path.resolve(base, `.${relative}`);
    if (file !== base && !file.startsWith(base + path.sep)) return; // traversal: leave it a 404
    const found = relative !== '/' ? await regularFile(file) : null;
    const hashed = relative.startsWith('/assets/');
    if (found) {
      await send(ctx, file, found, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      return;
    }
    // A missing asset (or any path that looks like a file) stays a 404, never the HTML page.
    if (hashed || path.extname(relative) !== '') return;
    const index = path.join(base, spaIndexFor(relative));
    const indexStat = await regularFile(index);
    ctx.set('content-security-policy', CONTENT_SECURITY_POLICY);
    if (!indexStat) {
      ctx.status = 503;
      ctx.type = 'text/html';
      ctx.set('cache-control', 'no-store');
      ctx.body = MISSING_BUILD;
      return;
    }
    await send(ctx, index, indexStat, 'no-cache');
  };
}

async function regularFile(file: string) {
  try {
    const s = await stat(file);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

async function send(ctx: Context, file: string, s: { size: number; mtime: Date }, cacheControl: string) {
  ctx.status = 200;
  ctx.type = path.extname(file) || 'application/octet-stream';
  ctx.set('cache-control', cacheControl);
  ctx.set('content-security-policy', CONTENT_SECURITY_POLICY);
  ctx.lastModified = s.mtime;
  ctx.etag = `W/"${s.size.toString(16)}-${s.mtime.getTime().toString(16)}"`;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.length = s.size;
  // Read whole (the app's files are at most a few MB): a stream the browser abandons mid-way
  // (a reload while assets load) would surface as a "Premature close" error on the server.
  // HEAD: status and headers only.
  if (ctx.method !== 'HEAD') ctx.body = await readFile(file);
}
