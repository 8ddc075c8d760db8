import type { IncomingMessage } from 'node:http';
import { clientAddressOf, compileTrust } from './client-address.js';

/** A request as proxy-addr reads it: the peer's address and the X-Forwarded-For header. */
const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;

describe('clientAddressOf', () => {
  it('is the peer when no proxy is trusted (TRUST_PROXY unset), whatever X-Forwarded-For says', () => {
    expect(clientAddressOf(request('198.51.100.1', '203.0.113.9'), compileTrust(0))).toBe('198.51.100.1');
  });

  it('walks back past the trusted hops only', () => {
    const forwarded = request('127.0.0.1', '203.0.113.9, 10.0.0.5');
    expect(clientAddressOf(forwarded, compileTrust(1))).toBe('10.0.0.5');
    expect(clientAddressOf(forwarded, compileTrust(2))).toBe('203.0.113.9');
    expect(clientAddressOf(forwarded, compileTrust(['loopback', '10.0.0.0/8']))).toBe('203.0.113.9');
    expect(clientAddressOf(forwarded, compileTrust(['loopback']))).toBe('10.0.0.5');
  });

  it('believes no header from a peer that is not a trusted proxy', () => {
    expect(clientAddressOf(request('198.51.100.1', '203.0.113.9'), compileTrust(['loopback']))).toBe('198.51.100.1');
  });
});
