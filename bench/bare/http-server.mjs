// The bare HTTP floor of the history bench: node:http with nothing behind it. POST /canned sets
// the answer; every POST /graphql then reads its request body and answers those bytes as JSON.
// What a page through the chat server costs beyond a round trip on this machine.
import { createServer } from 'node:http';

let canned = Buffer.from('{"data":null}');

const http = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/canned') {
      canned = Buffer.concat(chunks);
      res.writeHead(204).end();
    } else if (req.method === 'POST' && req.url === '/graphql') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': canned.length }).end(canned);
    } else {
      res.writeHead(req.url === '/ready' ? 200 : 404).end();
    }
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${http.address().port}`);
});
process.on('SIGTERM', () => { http.close(); process.exit(0); });
