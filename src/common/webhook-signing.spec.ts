import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WebhookSigner } from './webhook-signing.js';

describe('WebhookSigner', () => {
  const signer = new WebhookSigner();

  it('signs as the standardwebhooks package does, and its verify accepts the signature', () => {
    for (const body of ['{"type":"message.created","data":{"text":"héllo 👋"}}', '', 'x'.repeat(70_000)]) {
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const sentAt = new Date();
      const id = 'msg_42';
      const signature = signer.sign(secret, id, sentAt, Buffer.from(body));
      expect(signature).toBe(new Webhook(secret).sign(id, sentAt, body));
      const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)), 'webhook-signature': signature };
      expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
    }
  });

  it('keeps secrets apart (same body, different endpoints)', () => {
    const at = new Date();
    const a = signer.sign(`whsec_${randomBytes(32).toString('base64')}`, '1', at, Buffer.from('{}'));
    const b = signer.sign(`whsec_${randomBytes(32).toString('base64')}`, '1', at, Buffer.from('{}'));
    expect(a).not.toBe(b);
  });

  it('refuses an empty secret', () => {
    expect(() => signer.sign('whsec_', '1', new Date(), Buffer.from('{}'))).toThrow("Secret can't be empty.");
  });
});
