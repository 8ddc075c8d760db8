import type { Socket } from 'socket.io';

/** A Host header as a URL authority (name or IP, optional port); anything else is not trusted. */
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/**
 * This API's address as the client reached it: PUBLIC_URL when set, else the scheme and Host the
 * client used. It is the `address` event, and the base of the media URLs in talker answers
 * (clients run on other origins and apps, so a root-relative URL would not work in `src`).
 */
export function talkerAddress(publicUrl: string | null, secure: boolean, host: unknown): string {
  if (publicUrl) return publicUrl;
  return `${secure ? 'https' : 'http'}://${typeof host === 'string' && HOST.test(host) ? host : 'localhost'}`;
}

/** The address as a /talker socket reached it. */
export const socketAddress = (socket: Socket, publicUrl: string | null): string =>
  talkerAddress(publicUrl, socket.handshake.secure, socket.handshake.headers.host);

/** A signed media URL on `base`, unless it is absolute already (PUBLIC_URL makes it so). */
export const onBase = (base: string, url: string): string => (url.startsWith('/') ? `${base}${url}` : url);
