/** Driver errors translated once, so services never see driver codes. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string }; message?: string } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_NO_REFERENCED_ROW_2' || code === 'ER_NO_REFERENCED_ROW' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Whether a unique violation concerns the named index (MySQL names the key, SQLite the columns). */
export function violates(error: unknown, index: string, ...columns: string[]): boolean {
  const message = String((error as { message?: string } | null)?.message ?? '');
  return message.includes(index) || (columns.length > 0 && columns.every((c) => message.includes(c)));
}

/**
 * The database refused the statement itself (a constraint, bad data) and said so: none of it was
 * stored, and trying its parts again is safe. Not a lost connection or a timeout, after which a
 * statement that commits on its own may have been stored all the same.
 */
export function isStatementRefusal(error: unknown): boolean {
  const e = error as { driverError?: DriverError } & DriverError | null;
  const driver: DriverError | null | undefined = e?.driverError ?? e;
  if (typeof driver?.code === 'string' && driver.code.startsWith('SQLITE_')) return true;
  return driver?.fatal !== true && typeof driver?.errno === 'number' && typeof driver?.sqlState === 'string';
}

interface DriverError { code?: string; errno?: number; sqlState?: string; fatal?: boolean }
