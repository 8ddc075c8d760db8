import { AppEntity } from '../apps/app.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { UserTokenEntity } from '../users/user-token.entity.js';
import { RoomEntity } from '../rooms/room.entity.js';
import { MemberEntity } from '../rooms/member.entity.js';
import { MessageEntity } from '../messages/message.entity.js';
import { MuteEntity } from '../rooms/mute.entity.js';
import { BanEntity } from '../rooms/ban.entity.js';
import { ReportEntity } from '../moderation/report.entity.js';
import { BlockEntity } from '../users/block.entity.js';
import { AuditEntryEntity } from '../moderation/audit-entry.entity.js';
import { MediaEntity } from '../media/media.entity.js';
import { TalkerAccountEntity } from '../accounts/talker-account.entity.js';
import { TalkerSessionEntity } from '../accounts/talker-session.entity.js';
import { TalkerAppEntity } from '../accounts/talker-app.entity.js';
import { WebhookAttemptEntity } from '../webhooks/webhook-attempt.entity.js';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity.js';
import { WebhookEntity } from '../webhooks/webhook.entity.js';
import { WebhookCursorEntity } from '../webhooks/webhook-cursor.entity.js';

/** The whole schema, listed once (ESM has no reliable glob loading). */
export const ENTITIES = [
  AppEntity, UserEntity, UserTokenEntity, RoomEntity, MemberEntity, MessageEntity,
  MuteEntity, BanEntity, ReportEntity, BlockEntity, AuditEntryEntity, MediaEntity,
  TalkerAccountEntity, TalkerSessionEntity, TalkerAppEntity,
  WebhookEntity, WebhookDeliveryEntity, WebhookAttemptEntity, WebhookCursorEntity,
];
