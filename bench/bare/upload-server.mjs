// The bare baseline of the uploads bench: node:http and busboy, nothing else. POST /media
// streams its one `file` part to a new file under BARE_UPLOAD_DIR and answers 201 with the size
// once the file is closed: the least any streaming upload endpoint on this disk does.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';

const dir = process.env.BARE_UPLOAD_DIR;
if (!dir) throw new Error('BARE_UPLOAD_DIR is required');

const answer = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
};

const http = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/media') {
    res.writeHead(req.url === '/ready' ? 200 : 404).end();
    return;
  }
  let parser;
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1 } });
  } catch (error) {
    answer(res, 400, { error: { message: error.message } });
    return;
  }
  let stored = null;
  parser.on('file', (name, stream) => {
    const path = join(dir, randomUUID());
    let size = 0;
    stream.on('data', (chunk) => { size += chunk.length; });
    stored = pipeline(stream, createWriteStream(path)).then(() => ({ id: path, size }));
  });
  parser.on('close', async () => {
    try {
      if (!stored) return answer(res, 400, { error: { message: 'no file part' } });
      answer(res, 201, await stored);
    } catch (error) {
      answer(res, 500, { error: { message: error.message } });
    }
  });
  parser.on('error', (error) => answer(res, 400, { error: { message: error.message } }));
  req.pipe(parser);
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${http.address().port}`);
});
process.on('SIGTERM', () => { http.close(); process.exit(0); });
