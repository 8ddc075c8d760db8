import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { TALKER_HTTP_PREFIX } from './talker.controller.js';

/**
 * A request under /talker that Express refuses before TalkerController sees it (a POST body that
 * is not JSON, one over the body parser's limit, a malformed URL) answers like every other talker
 * error, `{error, message}`: BAD_REQUEST (TOO_LARGE for 413) with the status Express gave. Such
 * errors never reach a controller's filters, so this one is global (APP_FILTER) and hands every
 * other request to Nest's own handling (global filters also see GraphQL
 * resolvers' errors: left to Nest's default).
 */
@Catch(HttpException)
export class TalkerBodyFilter extends BaseExceptionFilter {
  override catch(error: HttpException, host: ArgumentsHost): void {
    // Not HTTP (a GraphQL resolver): returning nothing leaves it to Nest's default, as if no filter matched.
    if (host.getType() !== 'http') return;
    const status = error.getStatus();
    if (status >= 500) return super.catch(error, host);
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (!isTalkerPath(req.path) || res.headersSent) return super.catch(error, host);
    res.status(status).json({ error: status === 413 ? 'TOO_LARGE' : 'BAD_REQUEST', message: messageOf(error) });
  }
}

/** Express routes case-insensitively: /TALKER/register is a talker request too. */
const isTalkerPath = (path: string) => {
  const lower = path.toLowerCase();
  return lower === TALKER_HTTP_PREFIX || lower.startsWith(`${TALKER_HTTP_PREFIX}/`);
};

/** What went wrong, in words a client can act on (the parser's own message names the JSON position). */
function messageOf(error: HttpException): string {
  const cause = error.cause;
  if (cause instanceof SyntaxError) return `The body is not JSON (${cause.message}); send a JSON object with content-type: application/json`;
  if (error.getStatus() === 413) return 'The body is too large';
  return error.message;
}
