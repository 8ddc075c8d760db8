import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ChatError } from './chat-error.js';
import { toHttpError } from './http-error.formatter.js';

/**
 * Expected outcomes (ChatError) go straight to the transport's formatter, unlogged; Nest's
 * default handler would log each as a server error. Only unexpected errors are logged, once,
 * by the formatter. Over REST (the guard refusing POST /media, say) that formatter is
 * toHttpError: `{"error": {"code", "message"}}` with the code's HTTP status.
 */
@Catch(ChatError)
export class ChatErrorPassthroughFilter implements ExceptionFilter {
  catch(error: ChatError, host: ArgumentsHost) {
    const type = host.getType<string>();
    if (type === 'graphql') return error;
    if (type === 'http') {
      const response = host.switchToHttp().getResponse<Response>();
      if (!response.headersSent) {
        const { status, body } = toHttpError(error);
        response.status(status).json(body);
        return;
      }
    }
    throw error;
  }
}
