import { Column, ColumnOptions, Generated, PrimaryColumn, ValueTransformer } from 'typeorm';

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

/** The properties declared with MediumTextColumn, by entity class. */
const mediumTextColumns = new Map<object, Set<string>>();

/**
 * Text that may pass MySQL's 64 KB TEXT: MEDIUMTEXT (16 MB) on MySQL/MariaDB, TEXT (unbounded)
 * on SQLite. Declared as text, which both drivers know; ChatDataSource widens it on MySQL.
 */
export function MediumTextColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return (target, property) => {
    Column({ ...options, type: 'text' })(target, property);
    const names = mediumTextColumns.get(target.constructor) ?? new Set<string>();
    names.add(String(property));
    mediumTextColumns.set(target.constructor, names);
  };
}

/** Whether the entity's property was declared with MediumTextColumn. */
export const isMediumText = (entity: unknown, property: string) => typeof entity === 'function' && (mediumTextColumns.get(entity)?.has(property) ?? false);
