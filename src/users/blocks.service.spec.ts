import type { Logger } from 'pino';
import { scopeOf } from '../database/app-scope.js';
import { DomainEvent } from '../realtime/domain-events.js';
import { LocalEventBus } from '../realtime/local-event-bus.js';
import { UsersRepository } from './users.repository.js';
import { Gate } from '../../test/support/gate.js';
import { strictFake } from '../../test/support/strict-fake.js';
import { BlocksRepository } from './blocks.repository.js';
import { BlocksService } from './blocks.service.js';

const scope = scopeOf('7');

/** The service over a blocks table the test sets; a read may be held back until released. */
function setup() {
  const state = { blocked: [] as string[], reads: 0 };
  const reads = new Gate();
  const blocks = strictFake<BlocksRepository>('BlocksRepository', {
    blockedIds: async () => {
      state.reads++;
      const seen = [...state.blocked];
      await reads.pass();
      return seen;
    },
  });
  const bus = new LocalEventBus(strictFake<Logger>('Logger'));
  const service = new BlocksService(blocks, strictFake<UsersRepository>('UsersRepository'), bus);
  service.onModuleInit();
  const changed = (blockedId: string, blocked: boolean) =>
    bus.publish({ type: 'block.changed', appId: '7', roomId: null, blockerId: 'alice', blockedId, blocked } as DomainEvent);
  return { state, service, changed, reads };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BlocksService.blockedBy', () => {
  it('reads a blocker\'s set once and keeps that same set current from the bus', async () => {
    const { state, service, changed } = setup();
    state.blocked = ['bob'];
    const set = await service.blockedBy(scope, 'alice');
    expect([...set]).toEqual(['bob']);
    await changed('carol', true);
    await changed('bob', false);
    expect(await service.blockedBy(scope, 'alice')).toBe(set);
    expect([...set]).toEqual(['carol']);
    expect(state.reads).toBe(1);
  });

  it('reads again when a block changed while the set was being read', async () => {
    const { state, service, changed, reads } = setup();
    const release = reads.close();
    const first = service.blockedBy(scope, 'alice'); // reads an empty table, then waits
    await tick();
    state.blocked = ['bob'];
    await changed('bob', true);
    release();
    expect([...(await first)]).toEqual(['bob']);
    expect(state.reads).toBe(2);
    expect(await service.hasBlocked(scope, 'alice', 'bob')).toBe(true);
  });

  it('gives callers that ask during a read the same set, from one read', async () => {
    const { state, service, reads } = setup();
    const release = reads.close();
    const asks = [service.blockedBy(scope, 'alice'), service.blockedBy(scope, 'alice')];
    await tick();
    release();
    const [a, b] = await Promise.all(asks);
    expect(a).toBe(b);
    expect(state.reads).toBe(1);
  });
});
