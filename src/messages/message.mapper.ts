import { toUser } from '../users/user.model.js';
import { Message, MessageKind } from './message.model.js';
import { MessageRow } from './messages.repository.js';

export const toMessage = (row: MessageRow): Message => ({
  id: row.id, roomId: row.roomId, author: row.author ? toUser(row.author) : null, kind: row.kind as MessageKind,
  text: row.text, meta: row.meta, clientMsgId: row.clientMsgId, createdAt: row.createdAt, editedAt: row.editedAt, deletedAt: row.deletedAt,
  attachments: row.attachments,
});

/** Text as stored: trimmed, 1..max characters (counted as the user sees them). */
export function normalizeText(text: string, max: number): string | { error: string } {
  const trimmed = text.trim();
  const length = [...trimmed].length;
  if (length === 0) return { error: 'text must not be empty' };
  if (length > max) return { error: `text must be at most ${max} characters` };
  return trimmed;
}
