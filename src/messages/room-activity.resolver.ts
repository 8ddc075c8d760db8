import { Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { ScopedPrincipal } from '../principal/principal.js';
import { RequestLoaders } from '../common/graphql/request-loaders.js';
import { ViewerDependent } from '../common/graphql/viewer-dependent.js';
import { Room } from '../rooms/room.model.js';
import { Message } from './message.model.js';
import { MessagesService } from './messages.service.js';

/** The fields of Room that come from its messages, batched per operation. */
@Resolver(() => Room)
export class RoomActivityResolver {
  constructor(private readonly messages: MessagesService, private readonly loaders: RequestLoaders) {}

  @ResolveField(() => Message, { nullable: true })
  lastMessage(@Parent() room: Room, @CurrentPrincipal() caller: ScopedPrincipal, @Context() ctx: object): Promise<Message | null> {
    return this.loaders.get<Message | null>(ctx, 'lastMessage', (ids) => this.messages.lastOfRooms(caller.scope, ids), null).load(room.id);
  }

  @ResolveField(() => Int, { description: 'Messages from others after your read position (0 for non-members).' })
  @ViewerDependent()
  unreadCount(@Parent() room: Room, @CurrentPrincipal() caller: ScopedPrincipal, @Context() ctx: object): Promise<number> {
    return this.loaders.get(ctx, 'unreadCount', (ids) => this.messages.unreadCounts(caller, ids), 0).load(room.id);
  }
}
