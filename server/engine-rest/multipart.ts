import Busboy from 'busboy';
import type { Context } from 'koa';
import { AppError, TooLarge } from '../lib/errors.js';
import { invalidRequest } from './errors.js';

export interface UploadedFile {
  /** The part's field name (Camunda Modeler uses the file name). */
  field: string;
  /** The file name, from the part's filename or else its field name. */
  name: string;
  content: string;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: UploadedFile[];
}

interface Limits {
  jsonBytes: number;
  fileBytes: number;
}

/**
 * Reads a multipart/form-data body as Camunda's deployment/create takes it: text fields and any
 * number of file parts, each within the platform's upload limit, at most 100 files.
 */
export function readMultipartForm(ctx: Context): Promise<MultipartForm> {
  if (ctx.request.type !== 'multipart/form-data') {
    return Promise.reject(
      new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `send multipart/form-data, not ${ctx.request.type || 'no body'}`),
    );
  }
  const limit = (ctx.state.bodyLimits as Limits | undefined)?.fileBytes ?? 5 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: ctx.req.headers,
        limits: { files: 100, fileSize: limit, fields: 20, fieldSize: 64 * 1024 },
      });
    } catch (err) {
      reject(invalidRequest(`invalid multipart request: ${(err as Error).message}`));
      return;
    }
    const form: MultipartForm = { fields: {}, files: [] };
    let failure: Error | undefined;
    let total = 0;
    busboy.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        // The whole upload, not only each file, stays within the limit.
        if (total > limit * 4) failure ??= new TooLarge(`the uploaded files are larger than ${limit * 4} bytes`);
        else chunks.push(chunk);
      });
      stream.on('limit', () => {
        failure ??= new TooLarge(`the uploaded file ${info.filename ?? field} is larger than ${limit} bytes`);
      });
      stream.on('end', () => {
        form.files.push({ field, name: info.filename || field, content: Buffer.concat(chunks).toString('utf8') });
      });
    });
    busboy.on('field', (field, value) => {
      form.fields[field] = value;
    });
    busboy.on('filesLimit', () => {
      failure ??= invalidRequest('a deployment takes at most 100 files');
    });
    busboy.on('error', (err: Error) => reject(invalidRequest(`invalid multipart request: ${err.message}`)));
    busboy.on('close', () => (failure ? reject(failure) : resolve(form)));
    ctx.req.pipe(busboy);
  });
}
