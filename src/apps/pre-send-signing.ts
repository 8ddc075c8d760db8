import { createHmac } from 'node:crypto';

/** The label the pre-send signing key is derived under; a change breaks every app backend's verification. */
export const PRE_SEND_KEY_LABEL = 'pre-send-hook';

/**
 * The Standard Webhooks secret that signs an app's pre-send hook calls, derived from the app
 * secret so the app backend needs nothing else to verify them:
 * `"whsec_" + base64(HMAC-SHA256(key = app secret as UTF-8, message = "pre-send-hook"))`.
 * Rotating the app secret rotates it too. README "Pre-send hook" documents it for SDKs.
 */
export function preSendSigningSecret(appSecret: string): string {
  return `whsec_${createHmac('sha256', Buffer.from(appSecret, 'utf8')).update(PRE_SEND_KEY_LABEL, 'utf8').digest('base64')}`;
}
