import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../common/graphql/scalars.js';
import type { AttachmentFile } from '../media/attachment.model.js';
import { User } from '../users/user.model.js';

export enum MessageKind { TEXT = 'TEXT', FILE = 'FILE', SYSTEM = 'SYSTEM' }
registerEnumType(MessageKind, { name: 'MessageKind' });

@ObjectType()
export class Message {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  roomId: string;

  @Field(() => User, { nullable: true, description: 'Null for system messages and deleted authors.' })
  author: User | null;

  @Field(() => MessageKind)
  kind: MessageKind;

  @Field(() => String, { nullable: true, description: 'Null once the message is deleted (the tombstone stays in history).' })
  text: string | null;

  @Field(() => JSONScalar, { nullable: true })
  meta: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'The sender\'s idempotency key: resending it returns the first message.' })
  clientMsgId: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  editedAt: Date | null;

  @Field(() => Date, { nullable: true })
  deletedAt: Date | null;

  /** The files as stored; the GraphQL field `attachments` signs their URLs per read (MessagesResolver). */
  attachments: readonly AttachmentFile[];
}

@ObjectType({ description: 'One page of history, oldest first.' })
export class MessagePage {
  @Field(() => [Message])
  nodes: Message[];

  @Field({ description: 'Whether more messages lie beyond this page in the direction it was read.' })
  hasMore: boolean;
}
