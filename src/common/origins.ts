/**
 * Browser origins as the legacy gateway compares them (an app's `allowedOrigins` against a
 * socket's `Origin` header): `scheme://host[:port]`, http or https, host in lower case (IDNs in
 * punycode), the scheme's default port left out, no path. What URL#origin gives, so
 * `HTTPS://Game.Example:443/` and `https://game.example` are one origin.
 */
export function normalizeOrigin(raw: string): string | null {
  const text = raw.trim();
  // A bare origin, a trailing slash at most: a path, query or fragment names a page, not an origin.
  if (!/^https?:\/\/[^/?#@\s]+\/?$/i.test(text)) return null;
  try {
    return new URL(text).origin;
  } catch {
    return null;
  }
}

/**
 * Whether a socket whose handshake carried `origin` may use an app that allows `allowed`.
 * An empty list allows every origin (SPEC: "all by default"). No Origin header means no browser
 * page (browsers send one on every cross-origin request; non-browser clients can claim any), so
 * the check, which protects pages, has nothing to judge and lets it through. Anything else must
 * be a listed origin; an opaque "null" or a malformed value never is.
 */
export function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (allowed.length === 0 || origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  return normalized !== null && allowed.some((entry) => normalizeOrigin(entry) === normalized);
}
