import { codeOf } from '../../support/clients.js';
import { BULK_SENDING } from '../../support/factories.js';
import { describeTwoInstances } from '../../support/redis.js';
import { gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// Senders on both instances writing into one room at once, as behind a load balancer: no
// deadlock between the instances' commits, and every subscriber gets every message, even when
// a lower id arrives after a higher one through Redis.
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { id } }`;
const ROOM = `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`;

await describeTwoInstances('split-senders suite', 'senders on two instances into one room', (cluster) => {
  it('stores every message without deadlocks and delivers all of them to subscribers on both instances', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app(undefined, BULK_SENDING);
    const users = await Promise.all(Array.from({ length: 8 }, () => a.factories.user(app)));
    const room = (await a.gql(ROOM, { m: users.map((u) => u.id) }, app.headers)).data!.createRoom.id;
    const watchers = [gqlWsClient(a.url, { authorization: `Bearer ${users[0].token}` }), gqlWsClient(b.url, { authorization: `Bearer ${users[1].token}` })];
    const streams = watchers.map((client) => liveQueue(client, ADDED, { r: room }));
    await untilLive(streams, async (tag) => (await a.gql(SEND, { r: room, t: tag }, users[0].headers)).data!.sendMessage.id as string); // the selection has ids only

    const acks = await Promise.all(users.map(async (user, i) => {
      const server = i % 2 === 0 ? a : b;
      const ids: string[] = [];
      for (let k = 0; k < 25; k++) {
        const sent = await server.gql(SEND, { r: room, t: `${i}-${k}` }, user.headers);
        expect([i, k, codeOf(sent)]).toEqual([i, k, undefined]);
        ids.push(sent.data!.sendMessage.id);
      }
      return ids;
    }));
    const sent = new Set(acks.flat());
    expect(sent.size).toBe(200);
    for (const stream of streams) {
      const ids: string[] = []; // every delivery, so a duplicate shows
      while (new Set(ids).size < sent.size) ids.push((await stream.next(10_000)).data.messageAdded.id);
      const got = new Set(ids);
      expect(got).toEqual(sent);
      expect(ids).toHaveLength(sent.size); // nothing twice among them
      expect(new Set(ids).size).toBe(sent.size);
    }
    // Nor after the last one: later markers, one sent through each instance once every stream had
    // all 200, are the next two on each stream (each instance's events cross Redis in order).
    const markers: string[] = [];
    for (const [server, user] of [[a, users[0]], [b, users[1]]] as const) {
      markers.push((await server.gql(SEND, { r: room, t: 'a later marker' }, user.headers)).data!.sendMessage.id as string);
    }
    for (const stream of streams) {
      expect([(await stream.next()).data.messageAdded.id, (await stream.next()).data.messageAdded.id].sort()).toEqual([...markers].sort());
    }
    await Promise.all(watchers.map((w) => w.dispose()));
  }, 60_000);
});
