import { Resolver, Subscription } from '@nestjs/graphql';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { IdArg, OptionalIdArg } from '../common/graphql/id.args.js';
import { Report } from '../moderation/report.model.js';
import { MembershipEvent } from '../rooms/membership-event.model.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { Message } from '../messages/message.model.js';
import { MessagesService } from '../messages/messages.service.js';
import { GraphqlEventBridge } from './graphql-event.bridge.js';
import { MyEvent, ReadReceipt, TypingEvent } from '../messages/live-events.model.js';

const asIs = <T>(payload: T) => payload;

/** A room's messages and other live streams, and myEvents: everything of all the user's rooms on one subscription. */
@Resolver()
export class LiveResolver {
  constructor(private readonly live: GraphqlEventBridge, private readonly access: RoomAccessService, private readonly messages: MessagesService) {}

  @Subscription(() => Message, { resolve: asIs, description: 'New messages of a room. With `after`, stored messages after that id come first, then live ones: none missed, none repeated.' })
  @Allow('user', 'app')
  async messageAdded(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @OptionalIdArg('after') after?: string) {
    await this.messages.assertCanRead(caller, roomId);
    return this.live.messagesFrom(caller, roomId, after ?? null, (from) => this.messages.replay(caller, roomId, from));
  }

  @Subscription(() => Message, { resolve: asIs })
  @Allow('user', 'app')
  async messageUpdated(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string) {
    await this.messages.assertCanRead(caller, roomId);
    return this.live.room(caller, roomId, 'messageUpdated');
  }

  @Subscription(() => Message, { resolve: asIs, description: 'Deleted messages of a room (as tombstones).' })
  @Allow('user', 'app')
  async messageDeleted(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string) {
    await this.messages.assertCanRead(caller, roomId);
    return this.live.room(caller, roomId, 'messageDeleted');
  }

  @Subscription(() => MembershipEvent, { resolve: asIs })
  @Allow('user', 'app')
  async membershipChanged(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string) {
    await this.access.requireReader(caller, roomId);
    return this.live.room(caller, roomId, 'membershipChanged');
  }

  @Subscription(() => TypingEvent, { resolve: asIs, name: 'typing' })
  @Allow('user', 'app')
  async typingEvents(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string) {
    await this.access.requireReader(caller, roomId);
    return this.live.room(caller, roomId, 'typing');
  }

  @Subscription(() => ReadReceipt, { resolve: asIs })
  @Allow('user', 'app')
  async readReceipt(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string) {
    await this.access.requireReader(caller, roomId);
    return this.live.room(caller, roomId, 'readReceipt');
  }

  @Subscription(() => Report, { resolve: asIs, description: 'New reports about a room, for its managers, staff and the app backend.' })
  @Allow('user', 'app')
  async reportCreated(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string) {
    await this.access.requireManager(caller, roomId);
    return this.live.room(caller, roomId, 'reportCreated');
  }

  @Subscription(() => MyEvent, { resolve: asIs, description: 'Every event of every room you are a member of, including rooms you join later.' })
  @Allow('user')
  myEvents(@CurrentPrincipal() caller: UserPrincipal) {
    return this.live.mine(caller);
  }
}
