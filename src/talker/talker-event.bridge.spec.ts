import type { Logger } from 'pino';
import { alice, message } from '../../test/support/event-samples.js';
import { strictFake } from '../../test/support/strict-fake.js';
import { scopeOf } from '../database/app-scope.js';
import type { MediaService } from '../media/media.service.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import type { UserPrincipal } from '../principal/principal.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { RoomsService } from '../rooms/rooms.service.js';
import type { BlocksService } from '../users/blocks.service.js';
import { TalkerEventBridge, TalkerPeerSocket, TalkerSocketDirectory } from './talker-event.bridge.js';

const principalOf = (userId: string): UserPrincipal => ({ kind: 'user', scope: scopeOf('7'), userId, role: 'MEMBER', tokenId: 't', expiresAt: new Date(0) });

/** Sockets of users 11 and 12 (DIRECT room 3 is theirs), each recording what it got. */
function setup(blocks: Array<[string, string]> = []) {
  const got: Record<string, Array<[string, unknown]>> = { '11': [], '12': [] };
  const socket = (userId: string): TalkerPeerSocket => ({
    address: 'http://127.0.0.1:1',
    principal: async () => principalOf(userId),
    emit: (event, payload) => { got[userId].push([event, payload]); },
  });
  const sockets: TalkerSocketDirectory = { hasAny: (appId) => appId === '7', ofUser: (_appId, userId) => (got[userId] ? [socket(userId)] : []) };
  const rooms = strictFake<RoomsService>('RoomsService', { directPairOf: async (_s: unknown, roomId: string) => (roomId === '3' ? ['11', '12'] : null) });
  const messages = strictFake<MessagesService>('MessagesService', { markDelivered: async () => ({}) });
  const blocksService = strictFake<BlocksService>('BlocksService', {
    hasBlocked: async (_s: unknown, blocker: string, user: string) => blocks.some(([a, b]) => a === blocker && b === user),
  });
  const media = strictFake<MediaService>('MediaService');
  const metrics = strictFake<MetricsService>('MetricsService', { delivered: () => undefined });
  const bridge = new TalkerEventBridge(strictFake<EventBus>('EventBus'), sockets, rooms, messages, blocksService, media, metrics, strictFake<Logger>('Logger'));
  return { bridge, got, messages };
}

const author = { ...alice, id: '11' };
const created = (roomId = '3') => ({ type: 'message.created' as const, appId: '7', roomId, message: { ...message, id: '40', roomId, author, text: 'hi', attachments: [] } });

describe('TalkerEventBridge', () => {
  it('gives a new message to both users and marks it delivered as the recipient', async () => {
    const { bridge, got, messages } = setup();
    await bridge.route(created());
    expect(got['11']).toEqual([['messeage', expect.objectContaining({ from_user: 11, to_user: 12, id: 40, content: 'hi', readen: false, notified: false })]]);
    expect(got['12']).toEqual(got['11']);
    expect(messages.markDelivered).toHaveBeenCalledWith(expect.objectContaining({ userId: '12' }), '3', '40');
  });

  it('leaves rooms that are not DIRECT, and other apps, alone', async () => {
    const { bridge, got } = setup();
    await bridge.route(created('4'));
    await bridge.route({ ...created(), appId: '8' });
    expect(got).toEqual({ '11': [], '12': [] });
  });

  it('does not give a message to a recipient who blocked its author, nor mark it delivered', async () => {
    const { bridge, got, messages } = setup([['12', '11']]);
    await bridge.route(created());
    expect(got['12']).toEqual([]);
    expect(got['11']).toHaveLength(1);
    expect(messages.markDelivered).not.toHaveBeenCalled();
  });

  it('turns receipts into notified and read for the other user', async () => {
    const { bridge, got } = setup();
    const receipt = { type: 'receipt' as const, appId: '7', roomId: '3', user: { ...alice, id: '12' }, messageId: '40', at: new Date() };
    await bridge.route({ ...receipt, kind: 'DELIVERED' });
    await bridge.route({ ...receipt, kind: 'READ' });
    expect(got['11']).toEqual([['notified', { messeage_id: 40 }], ['read', { messeage_id: 40 }]]);
    expect(got['12']).toEqual([]);
  });

  it('turns typing into typing for the other user', async () => {
    const { bridge, got } = setup();
    await bridge.route({ type: 'typing', appId: '7', roomId: '3', user: author, isTyping: true });
    await bridge.route({ type: 'typing', appId: '7', roomId: '3', user: author, isTyping: false });
    expect(got['12']).toEqual([['typing', { typer: 11, typing: true }], ['typing', { typer: 11, typing: false }]]);
    expect(got['11']).toEqual([]);
  });

  it('ignores events the table does not mark for the talker', async () => {
    const { bridge, got } = setup();
    await bridge.route({ ...created(), type: 'message.updated' });
    expect(got).toEqual({ '11': [], '12': [] });
  });
});
