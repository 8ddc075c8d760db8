import { Injectable } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ChatError } from '../common/errors/chat-error.js';
import { AppConfig } from '../config/app-config.js';
import { AppScope } from '../database/app-scope.js';
import { RedisConnections } from '../realtime/redis-connections.js';
import type { MediaOwner } from './media.repository.js';

/**
 * How many uploads one uploader (a user, or the app backend) starts per minute
 * (MEDIA_UPLOADS_PER_MINUTE), counted before a byte is read. In Redis when REDIS_URL is set (the
 * limit holds across instances), in process otherwise, as flood control counts messages.
 */
@Injectable()
export class UploadRate {
  private readonly limiter: RateLimiterAbstract;

  constructor(redis: RedisConnections, config: AppConfig) {
    const points = config.media.uploadsPerMinute;
    this.limiter = redis.enabled
      ? new RateLimiterRedis({ storeClient: redis.command(), keyPrefix: `${redis.namespace}:uploads`, points, duration: 60 })
      : new RateLimiterMemory({ keyPrefix: 'uploads', points, duration: 60 });
  }

  /** RATE_LIMITED (429), with retryAfterSeconds, past the rate. */
  async consume(scope: AppScope, owner: MediaOwner): Promise<void> {
    try {
      await this.limiter.consume(`${scope.appId}:${owner.byApp ? 'app' : `u${owner.uploaderId}`}`);
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      const retryAfterSeconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
      throw new ChatError('RATE_LIMITED', `Too many uploads: wait ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }
}
