// The bare Socket.IO baseline: the legacy protocol's shape (auth with an ack, new_message
// broadcast to the room, sender included, then an empty ack) and nothing else: no
// database, no auth check, no moderation. What the chat server's legacy gateway is compared with.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/ready' ? 200 : 404).end();
});
// The same engine options as the chat server's legacy adapter (default path, EIO3 accepted, CORS open).
const io = new Server(http, { path: '/socket.io', allowEIO3: true, cors: { origin: true, credentials: false } });
const ROOM = 'lobby';
let nextId = 0;

io.on('connection', (socket) => {
  socket.on('auth', (payload, ack) => {
    socket.data.uname = typeof payload?.uname === 'string' ? payload.uname : `guest${socket.id.slice(0, 6)}`;
    socket.join(ROOM);
    if (typeof ack === 'function') ack(null, { user: { uname: socket.data.uname, role: 'member' }, room: { users: {}, history: [], muteList: {} } });
  });

  socket.on('new_message', (text, ack) => {
    if (typeof text !== 'string' || typeof ack !== 'function') return;
    // One broadcast: Socket.IO encodes the packet once and writes it to every socket of the room.
    io.to(ROOM).emit('new_message', { id: ++nextId, user: { uname: socket.data.uname ?? 'anonymous', role: 'member' }, text: text.trim() });
    ack();
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${http.address().port}`);
});
process.on('SIGTERM', () => { io.close(); process.exit(0); });
