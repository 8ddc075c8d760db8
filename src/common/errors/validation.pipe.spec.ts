import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, ValidateNested } from 'class-validator';
import { ChatError } from './chat-error.js';
import { ChatValidationPipe } from './validation.pipe.js';

class Limits {
  @IsInt() @Max(10)
  count!: number;
}

class Settings {
  @IsString() @Length(1, 5)
  name!: string;

  @IsOptional() @ValidateNested() @Type(() => Limits)
  limits?: Limits;
}

class NoRules {
  name!: string;
}

const pipe = new ChatValidationPipe();
const run = (value: unknown, metatype: unknown) => pipe.transform(value, { type: 'body', metatype: metatype as never });
const failure = (value: unknown, metatype: unknown): ChatError => {
  try {
    run(value, metatype);
  } catch (error) {
    return error as ChatError;
  }
  throw new Error('expected a validation failure');
};

describe('ChatValidationPipe', () => {
  it('hands the handler an instance of the class, nested inputs included', () => {
    const out = run({ name: 'ok', limits: { count: 3 } }, Settings) as Settings;
    expect(out).toBeInstanceOf(Settings);
    expect(out.limits).toBeInstanceOf(Limits);
    expect(out).toEqual(Object.assign(new Settings(), { name: 'ok', limits: Object.assign(new Limits(), { count: 3 }) }));
  });

  it('refuses with BAD_USER_INPUT listing every message, nested ones by path', () => {
    const error = failure({ name: 'far too long', limits: { count: 11 } }, Settings);
    expect(error).toBeInstanceOf(ChatError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details?.validation).toEqual([
      'name must be shorter than or equal to 5 characters',
      'limits.count must not be greater than 10',
    ]);
    expect(error.message).toBe('name must be shorter than or equal to 5 characters; limits.count must not be greater than 10');
  });

  it('passes values through untouched where there is nothing to check', () => {
    const plain = { name: 'anything at all' };
    expect(run(plain, NoRules)).toBe(plain);
    expect(run('7', String)).toBe('7');
    expect(run(7, Number)).toBe(7);
    const list = [{ name: 'x' }];
    expect(run(list, Array)).toBe(list);
    expect(run(null, Settings)).toBeNull();
    expect(run(undefined, Settings)).toBeUndefined();
  });
});
