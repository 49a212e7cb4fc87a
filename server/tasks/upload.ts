import Busboy from 'busboy';
import type { Context } from 'koa';
import { AppError, Invalid, TooLarge } from '../lib/errors.js';

export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * Reads one file (field `file`) from a multipart/form-data request, refusing it as soon as it
 * passes `maxBytes` (413) rather than after buffering all of it.
 */
export function readUpload(ctx: Context, maxBytes: number): Promise<UploadedFile> {
  if (ctx.request.type !== 'multipart/form-data') {
    return Promise.reject(new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the file as multipart/form-data'));
  }
  const declared = Number(ctx.request.length ?? 0);
  if (declared > maxBytes + 64 * 1024) {
    return Promise.reject(new TooLarge(`the file is larger than ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: ctx.req.headers,
        // File names from browsers are UTF-8 (申请书.pdf), not latin1.
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: maxBytes, fields: 5, fieldSize: 1024 },
      });
    } catch (err) {
      reject(new Invalid('BODY_UNREADABLE', `invalid multipart request: ${(err as Error).message}`));
      return;
    }
    let file: UploadedFile | undefined;
    let failure: AppError | undefined;
    busboy.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure = new TooLarge(`the file is larger than ${maxBytes} bytes`);
        stream.resume();
      });
      stream.on('end', () => {
        if (field !== 'file' || failure) return;
        file = { filename: info.filename ?? 'file', contentType: info.mimeType, content: Buffer.concat(chunks) };
      });
    });
    busboy.on('error', (err: Error) =>
      reject(new Invalid('BODY_UNREADABLE', `invalid multipart request: ${err.message}`)),
    );
    busboy.on('close', () => {
      if (failure) return reject(failure);
      if (!file) {
        return reject(
          new Invalid('VALIDATION_FAILED', 'the upload has no file (field "file")', [
            { field: 'file', reason: 'required' },
          ]),
        );
      }
      resolve(file);
    });
    ctx.req.pipe(busboy);
  });
}
