import { message } from '../../test/support/event-samples.js';
import type { AttachmentFile } from '../media/attachment.model.js';
import { toTalkerMesseage } from './talker-messeage.js';

const sign = (file: AttachmentFile) => `http://h:1/media/${file.id}/${file.name}?sig=x`;
const file = (contentType: string): AttachmentFile => ({ id: '5', contentType, name: 'f', size: 3, width: null, height: null, hasThumbnail: false });

describe('toTalkerMesseage', () => {
  const text = { ...message, id: '40', author: { ...message.author!, id: '11' }, text: 'hi', attachments: [] };

  it('maps a text message, ids as numbers and the date as ISO-8601', () => {
    expect(toTalkerMesseage(text, '12', [], sign)).toEqual({
      from_user: 11, to_user: 12, id: 40, init_date: text.createdAt.toISOString(), content: 'hi', content_type: 'text', readen: false, notified: false,
    });
  });

  it('reads readen and notified from the recipient\'s positions', () => {
    const at = (read: string | null, delivered: string | null) =>
      toTalkerMesseage(text, '12', [{ userId: '11', lastReadMessageId: '99', lastDeliveredMessageId: '99' }, { userId: '12', lastReadMessageId: read, lastDeliveredMessageId: delivered }], sign);
    expect(at(null, '40')).toMatchObject({ readen: false, notified: true });
    expect(at('40', null)).toMatchObject({ readen: true, notified: true });
    expect(at('39', '39')).toMatchObject({ readen: false, notified: false });
    expect(at('100', '100')).toMatchObject({ readen: true, notified: true });
  });

  it.each([['image/png', 'photo'], ['video/mp4', 'video'], ['audio/ogg', 'audio'], ['application/pdf', 'file']])(
    'gives a %s attachment as %s with its signed URL', (type, contentType) => {
      expect(toTalkerMesseage({ ...text, text: '', attachments: [file(type)] }, '12', [], sign))
        .toMatchObject({ content: 'http://h:1/media/5/f?sig=x', content_type: contentType });
    });
});
