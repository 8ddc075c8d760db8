import { DataSource } from 'typeorm';
import { AppsRepository } from '../../src/apps/apps.repository.js';
import { AppScope, scopeOf } from '../../src/database/app-scope.js';
import { RoomsRepository } from '../../src/rooms/rooms.repository.js';
import { NewUser, UsersRepository } from '../../src/users/users.repository.js';

export const newUser = (uname: string): NewUser => ({ uname, externalId: null, displayName: null, role: 'MEMBER', isBot: false, meta: null });

/** Apps A and B, each with two users and a room, inserted through the repositories (for isolation specs). */
export async function twoApps(db: DataSource) {
  const apps = new AppsRepository(db);
  const users = new UsersRepository(db);
  const rooms = new RoomsRepository(db);
  const app = async (name: string) => {
    const scope: AppScope = scopeOf((await db.transaction((tx) => apps.insert({ name, secret: 's' }, tx))).id);
    const [ann, bob] = [await users.insert(scope, newUser(`${name}-ann`)), await users.insert(scope, newUser(`${name}-bob`))];
    const room = await rooms.insert(scope, { key: `${name}-room`, name: `${name} room`, type: 'GROUP' });
    return { scope, ann, bob, room };
  };
  return { a: await app('a'), b: await app('b') };
}
