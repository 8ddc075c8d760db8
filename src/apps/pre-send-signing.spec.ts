import { Webhook } from 'standardwebhooks';
import { preSendSigningSecret } from './pre-send-signing.js';

describe('preSendSigningSecret', () => {
  it('derives the documented value: whsec_ + base64(HMAC-SHA256(app secret, "pre-send-hook"))', () => {
    // A known vector: SDKs pin the same one.
    expect(preSendSigningSecret('test-app-secret')).toBe('whsec_Y5BLGavr3IeRCeZ5yvNdUZwZXtnTrj17rbHVsfWmZnw=');
  });

  it('changes with the app secret', () => {
    expect(preSendSigningSecret('another-secret')).not.toBe(preSendSigningSecret('test-app-secret'));
  });

  it('is a secret any Standard Webhooks library signs and verifies with', () => {
    const hook = new Webhook(preSendSigningSecret('test-app-secret'));
    const body = JSON.stringify({ type: 'message.pre_send', timestamp: new Date().toISOString(), data: { text: 'hi' } });
    const at = new Date();
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': hook.sign('msg_1', at, body) };
    expect(new Webhook(preSendSigningSecret('test-app-secret')).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(preSendSigningSecret('another-secret')).verify(body, headers)).toThrow();
  });
});
