import { Injectable } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { ChatError } from '../common/errors/chat-error.js';
import { AppConfig } from '../config/app-config.js';
import { RedisConnections } from '../realtime/redis-connections.js';

/**
 * Failed talker logins, counted per account and per client address within a window
 * (TALKER_LOGIN_ATTEMPTS_PER_ACCOUNT, TALKER_LOGIN_ATTEMPTS_PER_ADDRESS, TALKER_LOGIN_WINDOW_SECONDS).
 * Past either limit every login of that account or address is refused, the right password too,
 * until the window passes. In Redis when REDIS_URL is set (every instance counts together).
 */
@Injectable()
export class LoginAttempts {
  private readonly perAccount: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;

  constructor(redis: RedisConnections, config: AppConfig) {
    const duration = config.talker.loginWindowSeconds;
    const make = (name: string, points: number) => redis.enabled
      ? new RateLimiterRedis({ storeClient: redis.command(), keyPrefix: `${redis.namespace}:talker-login-${name}`, points, duration })
      : new RateLimiterMemory({ keyPrefix: `talker-login-${name}`, points, duration });
    this.perAccount = make('account', config.talker.loginAttemptsPerAccount);
    this.perAddress = make('address', config.talker.loginAttemptsPerAddress);
  }

  /** RATE_LIMITED (reason login_attempts, retryAfterSeconds) when the account or the address used up its failures. */
  async assertAllowed(account: string, address: string): Promise<void> {
    for (const [limiter, key] of [[this.perAccount, account], [this.perAddress, address]] as const) {
      const used = await limiter.get(key);
      if (used && used.consumedPoints >= limiter.points) {
        const retryAfterSeconds = Math.max(1, Math.ceil(used.msBeforeNext / 1000));
        throw new ChatError('RATE_LIMITED', `Too many failed logins: wait ${retryAfterSeconds} s`, { reason: 'login_attempts', retryAfterSeconds });
      }
    }
  }

  async failed(account: string, address: string): Promise<void> {
    await Promise.all([this.perAccount.penalty(account, 1), this.perAddress.penalty(address, 1)]);
  }

  /** The right password: the account's failures are forgotten (the address's stay). */
  async succeeded(account: string): Promise<void> {
    await this.perAccount.delete(account);
  }
}
