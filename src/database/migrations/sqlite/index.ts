import { Initial1763900000000 } from './1763900000000-Initial.js';
import { RoomsWithoutLastMessage1764000000000 } from './1764000000000-RoomsWithoutLastMessage.js';

/** SQLite migrations, oldest first. Generate new ones with `npm run migration:generate`. */
export const SQLITE_MIGRATIONS = [Initial1763900000000, RoomsWithoutLastMessage1764000000000];
