import type { AttachmentFile } from '../media/attachment.model.js';
import { kindOf } from '../media/media.service.js';
import type { Message } from '../messages/message.model.js';
import type { DirectPosition } from '../rooms/rooms.service.js';

/** The seed's content types (spelling and all). */
export const TALKER_CONTENT_TYPES = ['text', 'photo', 'video', 'audio', 'file'] as const;
export type TalkerContentType = (typeof TALKER_CONTENT_TYPES)[number];

/** The server event `messeage` (and an item of `/messeages`, `/search/messeages`, `/contacts`' last_messeage). */
export interface TalkerMesseage {
  from_user: number;
  to_user: number;
  id: number;
  init_date: string;
  content: string;
  content_type: TalkerContentType;
  readen: boolean;
  notified: boolean;
}

const CONTENT_TYPE_OF_KIND = { IMAGE: 'photo', VIDEO: 'video', AUDIO: 'audio', FILE: 'file' } as const;

/** photo / video / audio / file from what the stored bytes are (sniffed at upload, not what the client said). */
export const contentTypeOf = (file: AttachmentFile): TalkerContentType => CONTENT_TYPE_OF_KIND[kindOf(file.contentType)];

const atLeast = (position: string | null, id: string) => position !== null && BigInt(position) >= BigInt(id);

/**
 * A message of a DIRECT room on the talker wire: `to_user` is the room's other user; `readen`
 * and `notified` are whether that user's read / delivered position reached it (`positions` of the
 * room's members; none for a message just sent). A file message's content is its first
 * attachment's absolute signed URL (`fileUrl`), which opens without headers.
 */
export function toTalkerMesseage(message: Message, toUserId: string, positions: readonly DirectPosition[], fileUrl: (file: AttachmentFile) => string): TalkerMesseage {
  const recipient = positions.find((p) => p.userId === toUserId);
  const readen = atLeast(recipient?.lastReadMessageId ?? null, message.id);
  const file = message.attachments[0];
  return {
    from_user: Number(message.author?.id ?? 0),
    to_user: Number(toUserId),
    id: Number(message.id),
    init_date: message.createdAt.toISOString(),
    content: file ? fileUrl(file) : (message.text ?? ''),
    content_type: file ? contentTypeOf(file) : 'text',
    readen,
    notified: readen || atLeast(recipient?.lastDeliveredMessageId ?? null, message.id),
  };
}
