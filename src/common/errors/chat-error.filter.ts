import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { ChatError } from './chat-error.js';

/**
 * Expected outcomes (ChatError) go straight to the transport's formatter, unlogged; Nest's
 * default handler would log each as a server error. Only unexpected errors are logged, once,
 * by the formatter.
 */
@Catch(ChatError)
export class ChatErrorPassthroughFilter implements ExceptionFilter {
  catch(error: ChatError, host: ArgumentsHost) {
    if (host.getType<string>() === 'graphql') return error;
    throw error;
  }
}
