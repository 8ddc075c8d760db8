/** A LIKE pattern matching `text` anywhere, literally; use with ESCAPE '!' (portable: MySQL treats '\\' in literals as an escape). */
export const containsPattern = (text: string) => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
