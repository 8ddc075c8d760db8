import { strictFake } from '../../../test/support/strict-fake.js';
import type { TalkerConversationsService } from '../talker-conversations.service.js';
import { TalkerError, TalkerRoute } from '../talker-route.js';
import { ConversationRoutes } from './conversation.routes.js';

const routes = new Map(new ConversationRoutes(strictFake<TalkerConversationsService>('TalkerConversationsService')).routes().map((r) => [r.name, r]));
const route = (name: string): TalkerRoute => routes.get(name)!;

const refusal = (name: string, raw: unknown): string => {
  try {
    route(name).parse(raw);
  } catch (error) {
    if (error instanceof TalkerError) return `${error.code} ${error.status}`;
    throw error;
  }
  return 'accepted';
};

describe('conversation routes', () => {
  it('are the seed\'s names, each requiring login', () => {
    expect([...routes.keys()].sort()).toEqual(['/blocked/users', '/contacts', '/messeages', '/search/messeages', 'block_user', 'messeage', 'read', 'type', 'unlock_user']);
    expect([...routes.values()].every((r) => r.auth)).toBe(true);
    expect([...routes.values()].filter((r) => r.serve === 'both').map((r) => r.name).sort()).toEqual(['/blocked/users', '/contacts', '/messeages', '/search/messeages']);
  });

  it('parse ids given as numbers or decimal strings (query strings)', () => {
    expect(route('messeage').parse({ user_id: 1, to_id: '12', content: 'hi', content_type: 'text' })).toEqual({ toId: '12', content: 'hi', contentType: 'text' });
    expect(route('/messeages').parse({ with_id: '3', from_messeage: 40 })).toEqual({ withId: '3', before: '40' });
    expect(route('/messeages').parse({ with_id: 3 })).toEqual({ withId: '3', before: null });
    expect(route('/search/messeages').parse({ talker_id: 3, messeage: ' hi ' })).toEqual({ withId: '3', query: 'hi' });
  });

  it.each([
    ['messeage', 'hello'],
    ['messeage', null],
    ['messeage', [1]],
    ['messeage', { to_id: 2, content: 'x' }],
    ['messeage', { to_id: 2, content: 'x', content_type: 'sticker' }],
    ['messeage', { to_id: 2, content: 5, content_type: 'text' }],
    ['messeage', { to_id: 'abc', content: 'x', content_type: 'text' }],
    ['messeage', { to_id: -1, content: 'x', content_type: 'text' }],
    ['messeage', { to_id: 1.5, content: 'x', content_type: 'text' }],
    ['read', {}],
    ['read', { messeage_id: '0' }],
    ['type', { to_id: true }],
    ['block_user', { blocked_id: null }],
    ['unlock_user', {}],
    ['/messeages', {}],
    ['/messeages', { with_id: 2, from_messeage: 'x' }],
    ['/search/messeages', { talker_id: 2 }],
    ['/search/messeages', { talker_id: 2, messeage: '   ' }],
    ['/search/messeages', { talker_id: 2, messeage: 'x'.repeat(201) }],
  ])('%s refuses %j with BAD_REQUEST', (name, raw) => {
    expect(refusal(name, raw)).toBe('BAD_REQUEST 400');
  });
});
