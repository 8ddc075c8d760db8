import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Message } from './message.model.js';
import { MembershipEvent } from '../rooms/membership-event.model.js';
import { Room } from '../rooms/room.model.js';
import { User } from '../users/user.model.js';

@ObjectType()
export class TypingEvent {
  @Field(() => ID)
  roomId: string;

  @Field(() => User)
  user: User;

  @Field()
  isTyping: boolean;
}

export enum ReceiptKind { READ = 'READ', DELIVERED = 'DELIVERED' }
registerEnumType(ReceiptKind, { name: 'ReceiptKind' });

@ObjectType()
export class ReadReceipt {
  @Field(() => ID)
  roomId: string;

  @Field(() => User)
  user: User;

  @Field(() => ID, { description: 'Everything up to this message is read (or delivered).' })
  messageId: string;

  @Field(() => ReceiptKind)
  kind: ReceiptKind;

  @Field()
  at: Date;
}

export enum MyEventType {
  MESSAGE_ADDED = 'MESSAGE_ADDED', MESSAGE_UPDATED = 'MESSAGE_UPDATED', MESSAGE_DELETED = 'MESSAGE_DELETED',
  MEMBERSHIP_CHANGED = 'MEMBERSHIP_CHANGED', TYPING = 'TYPING', READ_RECEIPT = 'READ_RECEIPT',
  ROOM_UPDATED = 'ROOM_UPDATED', ROOM_DELETED = 'ROOM_DELETED',
}
registerEnumType(MyEventType, { name: 'MyEventType' });

@ObjectType({ description: 'One event of any of the user\'s rooms; the field named by type is set.' })
export class MyEvent {
  @Field(() => MyEventType)
  type: MyEventType;

  @Field(() => ID)
  roomId: string;

  @Field(() => Message, { nullable: true })
  message?: Message | null;

  @Field(() => MembershipEvent, { nullable: true })
  membership?: MembershipEvent | null;

  @Field(() => TypingEvent, { nullable: true })
  typing?: TypingEvent | null;

  @Field(() => ReadReceipt, { nullable: true })
  receipt?: ReadReceipt | null;

  @Field(() => Room, { nullable: true })
  room?: Room | null;
}
