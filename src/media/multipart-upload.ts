import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { badInput } from '../common/errors/chat-error.js';
import type { Attachment } from './attachment.model.js';
import type { UploadInput } from './media.service.js';

/**
 * Reads a multipart/form-data body with exactly one file part named `file`, handing its stream
 * to `handle` as it arrives (nothing buffered here). Every way the body can be wrong is a
 * BAD_USER_INPUT after `handle` settled, so no spool file outlives the answer; an upload that
 * succeeded before a later part proved the body wrong (a second file) is withdrawn.
 */
export function receiveOne(req: IncomingMessage, handle: (file: UploadInput) => Promise<Attachment>, withdraw: (id: string) => Promise<void>): Promise<Attachment> {
  return new Promise<Attachment>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, preservePath: true, limits: { fields: 20, fieldSize: 64 * 1024, parts: 40 } });
    } catch (error) {
      reject(badInput(`Send multipart/form-data with one part named "file" (${(error as Error).message})`));
      return;
    }
    let files = 0;
    let current: Readable | null = null;
    let pending: Promise<Attachment> | null = null;
    let settled = false;

    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume(); // the rest of the body is read and dropped, so the client gets the answer
      // Destroyed with the error (a stream that ended but was not read yet and is destroyed without one never ends its pipeline): the upload reading it fails and cleans up.
      if (current && !current.readableEnded) current.destroy(error instanceof Error ? error : new Error(String(error)));
      // Busboy would go on emitting the parts left in the chunk it is parsing: no more of them.
      parser.destroy();
      const upload = pending;
      if (!upload) return reject(error);
      // Answer once the upload under way has cleaned up (or withdraw it, if it made it into the store).
      upload.then((made) => withdraw(made.id), () => undefined).then(() => reject(error), () => reject(error));
    };

    parser.on('file', (field, stream, info) => {
      stream.on('error', () => undefined); // its failures reach the upload reading it, or nobody needs them
      if (settled) {
        stream.resume(); // a part after the body was refused: dropped, never handed on (nobody would end it)
        return;
      }
      files += 1;
      if (field !== 'file') {
        stream.resume();
        return fail(badInput(`The file part must be named "file" (got "${field}")`));
      }
      if (files > 1) {
        stream.resume();
        return fail(badInput('Send one file per upload: the body has more than one file part'));
      }
      current = stream;
      pending = handle({ stream, name: info.filename ?? null, declaredType: info.mimeType ?? null });
      pending.catch(fail);
    });
    parser.on('field', () => undefined);
    parser.on('partsLimit', () => fail(badInput('Too many parts in the multipart body')));
    parser.on('fieldsLimit', () => fail(badInput('Too many fields in the multipart body')));
    parser.on('error', (error: Error) => fail(badInput(`The multipart body is malformed or ended early (${error.message})`)));
    parser.on('close', () => {
      if (settled) return;
      if (!pending) return fail(badInput('No file: send multipart/form-data with one part named "file"'));
      pending.then((made) => {
        if (settled) return;
        settled = true;
        resolve(made);
      }, fail);
    });
    const stopped = () => badInput('The upload stopped before the end of its body');
    // The client may have gone while the caller awaited (settings, the declared length): its `close` is past, and a dead request piped never ends.
    if (req.destroyed || req.readableAborted) return reject(stopped());

    req.on('close', () => {
      if (!req.complete) fail(stopped());
    });
    req.pipe(parser);
  });
}
