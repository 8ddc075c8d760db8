import { createServer } from 'node:net';
import { GraphQLError } from 'graphql';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { ChatError } from './chat-error.js';
import { createGraphqlErrorFormatter } from './graphql-error.formatter.js';
import { isUnavailableError, UNAVAILABLE_MESSAGE } from './unavailable.js';

/** A loopback port nothing listens on (bound, then let go). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What the real clients reject with when nothing answers. */
async function realOutageErrors() {
  const port = await closedPort();
  const mysql = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 500 }).then(() => null, (e: unknown) => e);
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => 50, lazyConnect: false });
  redis.on('error', () => undefined);
  const redisError = await redis.get('k').then(() => null, (e: unknown) => e);
  redis.disconnect();
  return { mysql, redis: redisError };
}

const silentLog = () => {
  const calls: { level: string; message: string }[] = [];
  const log = {
    warn: (_o: unknown, message: string) => calls.push({ level: 'warn', message }),
    error: (_o: unknown, message: string) => calls.push({ level: 'error', message }),
  } as unknown as Logger;
  return { log, calls };
};

describe('isUnavailableError', () => {
  let real: Awaited<ReturnType<typeof realOutageErrors>>;
  beforeAll(async () => { real = await realOutageErrors(); });

  it('knows mysql2 and ioredis failing to reach their server, and TypeORM\'s wrapper of the former', () => {
    expect(real.mysql).toHaveProperty('code', 'ECONNREFUSED');
    expect(real.redis).toHaveProperty('name', 'MaxRetriesPerRequestError');
    expect(isUnavailableError(real.mysql)).toBe(true);
    expect(isUnavailableError(real.redis)).toBe(true);
    expect(isUnavailableError(new QueryFailedError('SELECT 1', [], real.mysql as Error))).toBe(true);
    expect(isUnavailableError(new GraphQLError('wrapped', { originalError: real.mysql as Error }))).toBe(true);
  });

  it('knows a connection lost mid-statement and a closed ioredis connection', () => {
    const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    expect(isUnavailableError(lost)).toBe(true);
    expect(isUnavailableError(new Error('Connection is closed.'))).toBe(true);
    expect(isUnavailableError(new AggregateError([Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })]))).toBe(true);
  });

  it('does not take a refused statement, a bug or a ChatError for an outage', () => {
    const duplicate = Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000', fatal: false });
    expect(isUnavailableError(duplicate)).toBe(false);
    expect(isUnavailableError(new QueryFailedError('INSERT', [], duplicate))).toBe(false);
    expect(isUnavailableError(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(false);
    expect(isUnavailableError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isUnavailableError(new ChatError('NOT_FOUND', 'Room not found'))).toBe(false);
    expect(isUnavailableError(null)).toBe(false);
  });
});

describe('the GraphQL error formatter', () => {
  const resolverError = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['sendMessage'] });

  it('answers an unreachable dependency with UNAVAILABLE, saying to retry, logged as a warning', async () => {
    const { mysql } = await realOutageErrors();
    const { log, calls } = silentLog();
    const error = resolverError(new QueryFailedError('INSERT', [], mysql as Error));
    expect(createGraphqlErrorFormatter(log)(error.toJSON(), error)).toEqual({
      message: UNAVAILABLE_MESSAGE, path: ['sendMessage'], locations: undefined, extensions: { code: 'UNAVAILABLE' },
    });
    expect(calls.map((c) => c.level)).toEqual(['warn']);
  });

  it('keeps INTERNAL for a bug: logged as an error, no message or stack of it sent', () => {
    const { log, calls } = silentLog();
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const error = resolverError(bug);
    const answer = createGraphqlErrorFormatter(log)(error.toJSON(), error);
    expect(answer).toEqual({ message: 'Internal server error', path: ['sendMessage'], locations: undefined, extensions: { code: 'INTERNAL' } });
    expect(JSON.stringify(answer)).not.toContain('reading');
    expect(calls.map((c) => c.level)).toEqual(['error']);
  });
});
