import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { DeleteResult } from '../common/graphql/delete-result.model.js';
import { IdArg } from '../common/graphql/id.args.js';
import { Member } from '../rooms/member.model.js';
import { MetaPatchInput } from '../common/graphql/meta-patch.input.js';
import { MessagesArgs, SearchMessagesArgs, SendMessageInput, TypingArgs } from './message.inputs.js';
import { Message, MessagePage } from './message.model.js';
import { MessagesService } from './messages.service.js';
import { Attachment } from '../media/attachment.model.js';
import { MediaService } from '../media/media.service.js';

@Resolver(() => Message)
export class MessagesResolver {
  constructor(private readonly service: MessagesService, private readonly media: MediaService) {}

  @Mutation(() => Message, { description: 'Returned once stored. The same clientMsgId from the same sender returns the first message.' })
  @Allow('user', 'app')
  sendMessage(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('roomId') roomId: string, @Args('input') input: SendMessageInput): Promise<Message> {
    return this.service.send(caller, roomId, input);
  }

  @Mutation(() => Message)
  @Allow('user')
  editMessage(@CurrentPrincipal() caller: UserPrincipal, @IdArg('id') id: string, @Args('text') text: string): Promise<Message> {
    return this.service.edit(caller, id, text);
  }

  @Mutation(() => DeleteResult, { description: 'The author, a room manager, staff or the app backend. A tombstone stays in history.' })
  @Allow('user', 'app')
  deleteMessage(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('id') id: string): Promise<DeleteResult> {
    return this.service.delete(caller, id);
  }

  @Mutation(() => Message, { description: 'Sets and removes meta keys of a message.' })
  @Allow('user', 'app')
  updateMessageMeta(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('id') id: string, @Args('patch') patch: MetaPatchInput): Promise<Message> {
    return this.service.patchMeta(caller, id, patch);
  }

  @Query(() => Message, { nullable: true })
  @Allow('app', 'user')
  message(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('id') id: string): Promise<Message> {
    return this.service.get(caller, id);
  }

  @Query(() => MessagePage, { description: 'A page of history by id: the newest, before an id, or after one. Oldest first inside a page.' })
  @Allow('app', 'user')
  messages(@CurrentPrincipal() caller: ScopedPrincipal, @Args() args: MessagesArgs): Promise<MessagePage> {
    return this.service.page(caller, args);
  }

  @Query(() => [Message], { description: 'Messages of a room containing the query text, newest first.' })
  @Allow('app', 'user')
  searchMessages(@CurrentPrincipal() caller: ScopedPrincipal, @Args() args: SearchMessagesArgs): Promise<Message[]> {
    return this.service.search(caller, args);
  }

  @Mutation(() => Member, { description: 'Everything up to this message is read; unread counts follow.' })
  @Allow('user')
  markRead(@CurrentPrincipal() caller: UserPrincipal, @IdArg('roomId') roomId: string, @IdArg('messageId') messageId: string): Promise<Member> {
    return this.service.markRead(caller, roomId, messageId);
  }

  @Mutation(() => Member, { description: 'Everything up to this message reached the user\'s device.' })
  @Allow('user')
  markDelivered(@CurrentPrincipal() caller: UserPrincipal, @IdArg('roomId') roomId: string, @IdArg('messageId') messageId: string): Promise<Member> {
    return this.service.markDelivered(caller, roomId, messageId);
  }

  @Mutation(() => Boolean, { name: 'typing', description: 'Tells the room you are typing (or stopped); nothing is stored.' })
  @Allow('user')
  setTyping(@CurrentPrincipal() caller: UserPrincipal, @Args() { roomId, isTyping }: TypingArgs): Promise<boolean> {
    return this.service.typing(caller, roomId, isTyping);
  }

  @ResolveField(() => [Attachment], { description: 'The files of a FILE message, with URLs signed for this read (they expire: read the message again for fresh ones).' })
  attachments(@CurrentPrincipal() caller: ScopedPrincipal, @Parent() message: Message): Attachment[] {
    // Whoever got the message may read it; the reader's app is the message's.
    return message.attachments.map((file) => this.media.sign(caller.scope.appId, file));
  }
}
