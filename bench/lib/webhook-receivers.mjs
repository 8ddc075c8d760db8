// Webhook receivers for bench/webhooks.mjs, in their own process so they share no event loop
// with the load generator: `count` node:http servers on loopback answering 204 at once. Over IPC:
// → {urls} when listening; ask 'stats' → {delivered}; ask 'lags' → {arrivals: [[text, ms], …]},
// the wall-clock arrival (performance.timeOrigin-based ms) of each body whose message text
// starts with "lag " (the lag phase keys its messages so).
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

const count = Number(process.argv[2] ?? 3);
let delivered = 0;
const arrivals = [];
const wallMs = () => performance.timeOrigin + performance.now();

function receiver() {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = wallMs();
      delivered++;
      res.writeHead(204).end();
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw.includes('"lag ')) arrivals.push([JSON.parse(raw).data.message.text, at]);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/hook`)));
}

const urls = await Promise.all(Array.from({ length: count }, receiver));
process.on('message', (ask) => {
  if (ask === 'stats') process.send({ delivered });
  if (ask === 'lags') process.send({ arrivals });
});
process.on('disconnect', () => process.exit(0));
process.send({ urls });
