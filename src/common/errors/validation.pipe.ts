import { ArgumentMetadata, Injectable, PipeTransform, ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { badInput } from './chat-error.js';

/** Argument types that are values, not DTO classes: nothing to validate. */
const NOT_DTOS = new Set<unknown>([String, Boolean, Number, Array, Object, Date, Buffer]);

const messagesOf = (errors: ValidationError[], prefix = ''): string[] =>
  errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...messagesOf(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property),
  ]);

/**
 * DTO validation for every GraphQL argument: the class-validator rules of its input or args
 * class, failures as BAD_USER_INPUT with every message listed, and the handler gets the class
 * instance (class-transformer, so nested inputs are classes too). GraphQL has already checked
 * the types and built the value, which lets this skip what Nest's general ValidationPipe does
 * for any transport (stand-ins for primitives and binaries, prototype-key stripping, async
 * rules): it was about a tenth of the server's CPU per sent message. Whether a class has rules
 * is looked up once per class. A missing (null) optional argument stays null.
 */
@Injectable()
export class ChatValidationPipe implements PipeTransform {
  private readonly hasRules = new Map<unknown, boolean>();

  transform(value: unknown, { metatype }: ArgumentMetadata): unknown {
    if (value === null || value === undefined || typeof value !== 'object' || !metatype || !this.validates(metatype)) return value;
    const instance = plainToInstance(metatype, value) as object;
    const errors = validateSync(instance, { forbidUnknownValues: false, validationError: { target: false, value: false } });
    if (errors.length > 0) {
      const messages = messagesOf(errors);
      throw badInput(messages.join('; ') || 'Invalid input', { validation: messages });
    }
    return instance;
  }

  private validates(metatype: NonNullable<ArgumentMetadata['metatype']>): boolean {
    let known = this.hasRules.get(metatype);
    if (known === undefined) {
      known = !NOT_DTOS.has(metatype) && getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).length > 0;
      this.hasRules.set(metatype, known);
    }
    return known;
  }
}
