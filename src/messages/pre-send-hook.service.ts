import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppCredentials, AppsService } from '../apps/apps.service.js';
import type { PreSendHookSettings } from '../apps/app-settings.js';
import { preSendSigningSecret } from '../apps/pre-send-signing.js';
import { badInput, ChatError } from '../common/errors/chat-error.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppScope } from '../database/app-scope.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { WebhookSigner } from '../common/webhook-signing.js';

/** What the hook is shown: `data` of the `message.pre_send` call (README "Pre-send hook"). */
export interface PreSendMessage {
  roomId: string;
  author: { id: string; uname: string };
  text: string;
  kind: string;
  meta: Record<string, unknown> | null;
}

/** The answers a hook may give. */
type Verdict = { action: 'allow' } | { action: 'reject'; reason: string } | { action: 'replace'; text: string };

/** Why a call gave no usable answer; the app's onTimeout settles each alike. */
type Failure = 'timeout' | 'error' | 'invalid';

/** A hook's answer is small JSON; more than this is not read (and counts as invalid). */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** A reject's reason reaches the sender; longer ones are cut. */
const MAX_REASON_CHARS = 500;
const DEFAULT_REASON = 'The app refused this message';
/** A failing hook is logged at most once per app and outcome in this long (the metric counts every one). */
const LOG_EVERY_MS = 10_000;

class HookFailure extends Error {
  constructor(readonly failure: Failure, message: string) { super(message); }
}

/**
 * Calls an app's pre-send hook: one signed POST per message (Standard Webhooks, with the secret
 * derived from the app secret), each on its own clock (AbortSignal.timeout covers connecting,
 * the status and the body), over Node's fetch, whose pool keeps connections alive between calls.
 * Never throws anything but the sender's refusal: a timeout, an error status, a lost connection or
 * a garbage answer is counted, logged (throttled), and settled by the app's onTimeout.
 */
@Injectable()
export class PreSendHookService {
  /** The webhook worker's signer (the standardwebhooks package, one per secret). */
  private readonly signer = new WebhookSigner();
  /** Each app's derived signing secret, computed once per credentials object. */
  private readonly secrets = new WeakMap<AppCredentials, string>();
  private readonly lastLogged = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly apps: AppsService,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * The text to store (the same, or the hook's replacement passed through `accept`, which throws
   * for a text the app's rules refuse), or BAD_USER_INPUT when the hook rejects the message (or
   * gives no usable answer and the app's onTimeout is REJECT).
   */
  async screen(scope: AppScope, hook: PreSendHookSettings, message: PreSendMessage, accept: (replacement: string) => string): Promise<string> {
    const startedAt = performance.now();
    let verdict: Verdict;
    let text = message.text;
    try {
      verdict = await this.call(scope, hook, message);
      if (verdict.action === 'replace') text = acceptReplacement(verdict.text, accept);
    } catch (error) {
      const failure = error instanceof HookFailure ? error : new HookFailure('error', String(error));
      return this.fallBack(scope, hook, failure, startedAt, message.text);
    }
    this.count(verdict.action, startedAt);
    if (verdict.action === 'reject') throw badInput(verdict.reason, { reason: 'pre_send_hook' });
    return text;
  }

  private async call(scope: AppScope, hook: PreSendHookSettings, message: PreSendMessage): Promise<Verdict> {
    const app = await this.apps.credentials(scope.appId);
    if (!app) throw new HookFailure('error', 'the app is gone');
    const at = new Date();
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify({ type: 'message.pre_send', timestamp: at.toISOString(), data: message });
    const signal = AbortSignal.timeout(hook.timeoutMs);
    let answer: string;
    try {
      const response = await fetch(hook.url, {
        method: 'POST', body, signal, redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': this.signer.sign(this.secretOf(app), id, at, Buffer.from(body)),
        },
      });
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => undefined);
        throw new HookFailure('error', `answered HTTP ${response.status}`);
      }
      answer = await readCapped(response);
    } catch (error) {
      if (error instanceof HookFailure) throw error;
      if (signal.aborted) throw new HookFailure('timeout', `no answer within ${hook.timeoutMs} ms`);
      throw new HookFailure('error', describe(error));
    }
    return parseVerdict(answer);
  }

  private fallBack(scope: AppScope, hook: PreSendHookSettings, failure: HookFailure, startedAt: number, text: string): string {
    this.count(failure.failure, startedAt);
    this.warn(scope, hook, failure);
    if (hook.onTimeout === 'REJECT') {
      throw badInput('The app could not check this message in time; try again', { reason: 'pre_send_hook_unavailable' });
    }
    return text;
  }

  private secretOf(app: AppCredentials): string {
    let secret = this.secrets.get(app);
    if (!secret) {
      secret = preSendSigningSecret(app.secret);
      this.secrets.set(app, secret);
    }
    return secret;
  }

  private count(outcome: Verdict['action'] | Failure, startedAt: number): void {
    this.metrics.preSendHook.inc({ outcome });
    this.metrics.preSendHookLatency.observe((performance.now() - startedAt) / 1000);
  }

  /** One line per app and kind of failure every LOG_EVERY_MS, saying how many were not logged since. */
  private warn(scope: AppScope, hook: PreSendHookSettings, failure: HookFailure): void {
    const key = `${scope.appId}:${failure.failure}`;
    const now = Date.now();
    const last = this.lastLogged.get(key);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.suppressed++;
      return;
    }
    if (this.lastLogged.size > 10_000) this.lastLogged.clear();
    this.lastLogged.set(key, { at: now, suppressed: 0 });
    this.log.warn({ appId: scope.appId, url: hook.url, outcome: failure.failure, onTimeout: hook.onTimeout, notLoggedSince: last?.suppressed ?? 0 },
      `pre-send hook gave no usable answer (${failure.message}); the message was ${hook.onTimeout === 'REJECT' ? 'refused' : 'let through'}`);
  }
}

/** The replacement as the app's rules take it; one they refuse (too long, empty) is an invalid answer. */
function acceptReplacement(text: string, accept: (replacement: string) => string): string {
  try {
    return accept(text);
  } catch (error) {
    throw new HookFailure('invalid', `its replacement text was refused: ${error instanceof ChatError ? error.message : describe(error)}`);
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new HookFailure('invalid', `its answer is over ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `{action: "allow"}`, `{action: "reject", reason?}` or `{action: "replace", text}`; anything else is invalid. */
function parseVerdict(raw: string): Verdict {
  let answer: unknown;
  try {
    answer = JSON.parse(raw);
  } catch {
    throw new HookFailure('invalid', `its answer is not JSON: ${JSON.stringify(raw.slice(0, 80))}`);
  }
  const { action, reason, text } = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  if (action === 'allow') return { action };
  if (action === 'reject') {
    const given = typeof reason === 'string' ? [...reason.trim()].slice(0, MAX_REASON_CHARS).join('') : '';
    return { action, reason: given || DEFAULT_REASON };
  }
  if (action === 'replace' && typeof text === 'string') return { action, text };
  throw new HookFailure('invalid', `its answer is not {action: "allow" | "reject" | "replace"}: ${raw.slice(0, 80)}`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
