import { Generated, PrimaryColumn, ValueTransformer } from 'typeorm';

/** BIGINT ids come back as strings from mysql2 and as numbers from better-sqlite3: always strings here. */
export const idColumn: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : String(value)),
};

/** JSON kept as text, the same on both drivers. */
export const jsonColumn: ValueTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value)),
  from: (value: unknown) => (value === null || value === undefined || value === '' ? null : JSON.parse(String(value))),
};

/** The auto-increment BIGINT primary key every table has, read as a string. */
export function IdColumn(): PropertyDecorator {
  return (target, property) => {
    PrimaryColumn({ type: 'bigint', transformer: idColumn })(target, property);
    Generated('increment')(target, property);
  };
}
