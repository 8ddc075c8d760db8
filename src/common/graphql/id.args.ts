import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { Args, ID } from '@nestjs/graphql';
import { badInput } from '../errors/chat-error.js';

const INTEGER_ID = /^[1-9]\d{0,18}$/;
export const isIntegerId = (value: unknown): value is string =>
  typeof value === 'string' && INTEGER_ID.test(value) && BigInt(value) <= 9223372036854775807n;

/** Ids are ID strings of integers; anything else is BAD_USER_INPUT before it reaches a service. */
@Injectable()
export class ParseIdPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (value === undefined || value === null) return value;
    if (Array.isArray(value)) return value.map((v) => this.transform(v, meta));
    if (!isIntegerId(value)) throw badInput(`${meta.data ?? 'id'} must be an integer id`);
    return value;
  }
}

/** `@IdArg('roomId')`: a required ID argument, validated. */
export const IdArg = (name: string) => Args(name, { type: () => ID }, ParseIdPipe);
/** `@OptionalIdArg('before')`: an optional ID argument, validated when present. */
export const OptionalIdArg = (name: string) => Args(name, { type: () => ID, nullable: true }, ParseIdPipe);
/** `@IdListArg('ids')`: a list of IDs, each validated. */
export const IdListArg = (name: string) => Args(name, { type: () => [ID] }, ParseIdPipe);
