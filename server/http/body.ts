import getRawBody from 'raw-body';
import Busboy from 'busboy';
import type { Context } from 'koa';
import { Invalid, TooLarge, AppError } from '../lib/errors.js';

/**
 * `json`: an application/json object. `bpmn`: a BPMN document, sent as JSON `{ xml, name, forms }`,
 * as text/xml, or as a multipart upload (field `file` or `data`, optional field `name`; form-js
 * forms as further files named `*.form`, DMN decisions as files named `*.dmn`).
 */
export type BodyKind = 'json' | 'bpmn';

export interface BodyLimits {
  jsonBytes: number;
  fileBytes: number;
}

const DEFAULT_LIMITS: BodyLimits = { jsonBytes: 1024 * 1024, fileBytes: 5 * 1024 * 1024 };

function limits(ctx: Context): BodyLimits {
  return (ctx.state.bodyLimits as BodyLimits | undefined) ?? DEFAULT_LIMITS;
}

async function readText(ctx: Context, limit: number): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit, encoding: 'utf8', length: ctx.request.length });
  } catch (err) {
    const e = err as { type?: string; message: string };
    if (e.type === 'entity.too.large') throw new TooLarge(`the request body is larger than ${limit} bytes`);
    throw new Invalid('BODY_UNREADABLE', `the request body could not be read: ${e.message}`);
  }
}

async function readJson(ctx: Context): Promise<unknown> {
  const text = await readText(ctx, limits(ctx).jsonBytes);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Invalid('BODY_NOT_JSON', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

function readMultipart(ctx: Context): Promise<{
  xml?: string;
  name?: string;
  forms?: string[];
  decisions?: { name: string; xml: string }[];
}> {
  const limit = limits(ctx).fileBytes;
  return new Promise((resolve, reject) => {
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: ctx.req.headers,
        limits: { files: 100, fileSize: limit, fields: 10, fieldSize: 64 * 1024 },
      });
    } catch (err) {
      reject(new Invalid('BODY_UNREADABLE', `invalid multipart request: ${(err as Error).message}`));
      return;
    }
    let xml: string | undefined;
    let name: string | undefined;
    let failure: AppError | undefined;
    const forms: string[] = [];
    const decisions: { name: string; xml: string }[] = [];
    busboy.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure = new TooLarge(`the uploaded file is larger than ${limit} bytes`);
      });
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (info.filename?.endsWith('.form') || field === 'forms' || field === 'form') forms.push(text);
        else if (info.filename?.endsWith('.dmn') || field === 'decisions') {
          decisions.push({ name: info.filename || `decision-${decisions.length + 1}.dmn`, xml: text });
        } else if (field === 'file' || field === 'data' || xml === undefined) xml = text;
      });
    });
    busboy.on('field', (field, value) => {
      if (field === 'name') name = value;
      if (field === 'xml') xml = value;
    });
    busboy.on('error', (err: Error) =>
      reject(new Invalid('BODY_UNREADABLE', `invalid multipart request: ${err.message}`)),
    );
    busboy.on('close', () => {
      if (failure) return reject(failure);
      if (xml === undefined && decisions.length === 0)
        return reject(
          new Invalid('VALIDATION_FAILED', 'the upload has no file (field "file")', [
            { field: 'file', reason: 'required' },
          ]),
        );
      resolve({
        ...(xml === undefined ? {} : { xml }),
        ...(name === undefined ? {} : { name }),
        ...(forms.length ? { forms } : {}),
        ...(decisions.length ? { decisions } : {}),
      });
    });
    ctx.req.pipe(busboy);
  });
}

/** Reads and size-limits the request body according to the route's kind. */
export async function readBody(ctx: Context, kind: BodyKind): Promise<unknown> {
  const type = ctx.request.type;
  if (kind === 'json') {
    if (type && type !== 'application/json')
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `send application/json, not ${type}`);
    return readJson(ctx);
  }
  if (type === 'multipart/form-data') return readMultipart(ctx);
  if (type === 'application/json') return readJson(ctx);
  if (type === 'text/xml' || type === 'application/xml' || type === 'application/bpmn+xml') {
    const name = typeof ctx.query.name === 'string' ? ctx.query.name : undefined;
    return { xml: await readText(ctx, limits(ctx).fileBytes), ...(name ? { name } : {}) };
  }
  throw new AppError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'send the BPMN file as application/json {xml}, text/xml, or multipart/form-data',
  );
}
