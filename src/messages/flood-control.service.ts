import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppSettings } from '../apps/app-settings.js';
import { badInput, ChatError } from '../common/errors/chat-error.js';
import { AppScope } from '../database/app-scope.js';
import { RedisConnections } from '../realtime/redis-connections.js';

/**
 * The app's message rules that are not about who you are: a rate per user per room, refusing
 * the same text repeated within a window, and a word filter. State lives in Redis when
 * REDIS_URL is set (so limits hold across instances), in process otherwise.
 */
@Injectable()
export class FloodControlService {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly recentTexts = new Map<string, number>();
  private nextSweepAt = 0;
  private readonly filters = new WeakMap<string[], RegExp | null>();

  constructor(private readonly redis: RedisConnections) {}

  /** RATE_LIMITED, with retryAfterSeconds, past the app's rate for this user in this room. */
  async consume(scope: AppScope, roomId: string, userId: string, settings: AppSettings): Promise<void> {
    const limiter = this.limiterFor(settings.rateLimit.count, settings.rateLimit.seconds);
    try {
      await limiter.consume(`${scope.appId}:${roomId}:${userId}`);
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      const retryAfterSeconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
      throw new ChatError('RATE_LIMITED', `Too many messages: wait ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }

  /** BAD_USER_INPUT when the same user sent the same text in the same room within the window. */
  async assertNotRepeated(scope: AppScope, roomId: string, userId: string, text: string, windowSeconds: number): Promise<void> {
    if (windowSeconds <= 0) return;
    const digest = createHash('sha1').update(text.toLowerCase()).digest('hex');
    const key = `${scope.appId}:${roomId}:${userId}:${digest}`;
    let fresh: boolean;
    if (this.redis.enabled) {
      fresh = (await this.redis.command().set(`${this.redis.namespace}:dup:${key}`, '1', 'EX', windowSeconds, 'NX')) === 'OK';
    } else {
      const now = Date.now();
      if (this.recentTexts.size > 50_000 && now >= this.nextSweepAt) {
        // At most one sweep a second, not one per send while the map stays large.
        for (const [k, until] of this.recentTexts) if (until <= now) this.recentTexts.delete(k);
        this.nextSweepAt = now + 1000;
      }
      fresh = (this.recentTexts.get(key) ?? 0) <= now;
      if (fresh) this.recentTexts.set(key, now + windowSeconds * 1000);
    }
    if (!fresh) throw badInput(`You sent the same message within ${windowSeconds} s`, { reason: 'duplicate' });
  }

  /** The text with listed words masked, or BAD_USER_INPUT in REJECT mode. Whole words, any case. */
  filterWords(text: string, filter: AppSettings['wordFilter']): string {
    const pattern = this.patternFor(filter.words);
    if (!pattern) return text; // no word at all: an empty pattern would match everywhere
    pattern.lastIndex = 0;
    if (filter.mode === 'REJECT') {
      if (pattern.test(text)) throw badInput('The message contains a word this app does not allow', { reason: 'word_filter' });
      return text;
    }
    return text.replace(pattern, (word) => '*'.repeat([...word].length));
  }

  private limiterFor(points: number, duration: number): RateLimiterAbstract {
    const id = `${points}:${duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = this.redis.enabled
        ? new RateLimiterRedis({ storeClient: this.redis.command(), keyPrefix: `${this.redis.namespace}:flood:${id}`, points, duration })
        : new RateLimiterMemory({ keyPrefix: `flood:${id}`, points, duration });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /**
   * The pattern of a word list, null when it has no word. Keyed by the list itself: the app's
   * cached settings hand the same array to every send, so a send neither joins nor scans it.
   */
  private patternFor(words: string[]): RegExp | null {
    if (this.filters.has(words)) return this.filters.get(words)!;
    const escaped = words.filter((w) => w.trim()).map((w) => w.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pattern = escaped.length === 0 ? null : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${escaped.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
    this.filters.set(words, pattern);
    return pattern;
  }
}
