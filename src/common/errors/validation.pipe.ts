import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badInput } from './chat-error.js';

const messagesOf = (errors: ValidationError[], prefix = ''): string[] =>
  errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...messagesOf(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property),
  ]);

/** DTO validation for every transport: failures are BAD_USER_INPUT with every message listed. */
export const chatValidationPipe = () =>
  new ValidationPipe({
    transform: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) => {
      const messages = messagesOf(errors);
      return badInput(messages.join('; ') || 'Invalid input', { validation: messages });
    },
  });
