/** What an upload is, by its sniffed content type: image/*, video/*, audio/*, or anything else. */
export type MediaKindValue = 'IMAGE' | 'VIDEO' | 'AUDIO' | 'FILE';
export const MEDIA_KINDS: readonly MediaKindValue[] = ['IMAGE', 'VIDEO', 'AUDIO', 'FILE'];

/** Per-app settings the app backend can change; stored as JSON on the app row. */
export interface AppSettings {
  /** Longest message text, in characters, after trimming. */
  maxMessageLength: number;
  /** Flood control: at most `count` messages per user per room in `seconds`. */
  rateLimit: { count: number; seconds: number };
  /** Refuse the same text from the same user in the same room within this many seconds (0: off). */
  duplicateWindowSeconds: number;
  /** Words masked (MASK) or refused (REJECT) in message text. */
  wordFilter: { words: string[]; mode: 'MASK' | 'REJECT' };
  /** Browser origins (scheme://host[:port], normalized) whose pages may use the app's legacy sockets; empty: any. */
  allowedOrigins: string[];
  /** The largest upload (POST /media), in bytes; larger ones are refused with 413 and nothing is kept. */
  maxUploadBytes: number;
  /** The kinds of file users may upload (FILE: anything that is not an image, a video or audio). */
  allowedMediaKinds: MediaKindValue[];
  /** The app backend's URL that sees each user's message before it is stored (README "Pre-send hook"); null: none. */
  preSendHook: PreSendHookSettings | null;
}

/** What a hook that gives no usable answer in time (or answers garbage, or fails) means: send the message, or refuse it. */
export type HookFallbackValue = 'ALLOW' | 'REJECT';

export interface PreSendHookSettings {
  /** http(s), not this server itself. */
  url: string;
  /** The time the whole exchange may take, in ms (PRE_SEND_TIMEOUT_RANGE). */
  timeoutMs: number;
  onTimeout: HookFallbackValue;
}

export const PRE_SEND_TIMEOUT_RANGE = { min: 50, max: 5000, default: 500 } as const;
/** Fail open by default: a slow or broken moderation backend does not silence the app's chat. */
export const DEFAULT_ON_TIMEOUT: HookFallbackValue = 'ALLOW';

export const DEFAULT_APP_SETTINGS: AppSettings = {
  maxMessageLength: 4000,
  rateLimit: { count: 20, seconds: 10 },
  duplicateWindowSeconds: 0,
  wordFilter: { words: [], mode: 'MASK' },
  allowedOrigins: [],
  maxUploadBytes: 25 * 1024 * 1024,
  allowedMediaKinds: [...MEDIA_KINDS],
  preSendHook: null,
};

export const withDefaults = (stored: Partial<AppSettings> | null): AppSettings => ({ ...DEFAULT_APP_SETTINGS, ...(stored ?? {}) });
