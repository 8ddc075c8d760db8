import { NestFactory } from '@nestjs/core';
import { Field, GraphQLSchemaBuilderModule, GraphQLSchemaFactory, ID, ObjectType, Query, Resolver, Subscription } from '@nestjs/graphql';
import { ExecutionResult, GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { isViewerDependent, ViewerDependent } from '../common/graphql/viewer-dependent.js';
import { RoomActivityResolver } from '../messages/room-activity.resolver.js';
import type { UserPrincipal } from '../principal/principal.js';
import { Room } from '../rooms/room.model.js';
import { Channel } from './channel.js';
import { sharedSubscribe } from './shared-subscribe.js';

/** A model of this spec's own, with a field marked where it is defined. */
@ObjectType()
class Note {
  @Field(() => ID)
  id: string;

  @Field()
  text: string;

  @Field()
  @ViewerDependent()
  seenBy: string;
}

@Resolver()
class SpecResolver {
  @Query(() => Room, { nullable: true })
  room(): Room | null { return null; }

  @Subscription(() => Note)
  noteAdded(): AsyncIterableIterator<Note> { return new Channel<Note>(); }
}

/** The schema as the app's is built: Nest's schema factory from the decorated classes (RoomActivityResolver: the real Room.unreadCount). */
async function buildSchema(): Promise<GraphQLSchema> {
  const context = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    return await context.get(GraphQLSchemaFactory).create([SpecResolver, RoomActivityResolver]);
  } finally {
    await context.close();
  }
}

const fieldOf = (schema: GraphQLSchema, type: string, field: string) => (schema.getType(type) as GraphQLObjectType).getFields()[field];
const user = (userId: string): UserPrincipal =>
  ({ kind: 'user', scope: { appId: '1' } as UserPrincipal['scope'], userId, role: 'MEMBER', tokenId: `t${userId}`, expiresAt: new Date(Date.now() + 60_000) });

describe('sharedSubscribe and @ViewerDependent()', () => {
  let schema: GraphQLSchema;
  /** The live streams of noteAdded: one per subscriber, each handed the same payload object per event (as the event bridge does). */
  const streams = new Set<Channel<Note>>();

  beforeAll(async () => {
    schema = await buildSchema();
    // What Nest's resolver explorer does in the app: the field functions, bound here by hand.
    const noteAdded = fieldOf(schema, 'Subscription', 'noteAdded');
    noteAdded.resolve = (note: Note) => note; // the payload as is (LiveResolver's `resolve: asIs`)
    noteAdded.subscribe = () => {
      const stream = new Channel<Note>();
      streams.add(stream);
      stream.whenClosed(() => streams.delete(stream));
      return stream;
    };
    fieldOf(schema, 'Note', 'seenBy').resolve = (_note, _args, context: { principal: UserPrincipal }) => context.principal.userId;
  });
  afterEach(() => {
    for (const stream of [...streams]) stream.end();
  });

  it('carries the mark into the schema, on a model field and on a resolver field (Room.unreadCount)', () => {
    expect(isViewerDependent(fieldOf(schema, 'Note', 'seenBy'))).toBe(true);
    expect(isViewerDependent(fieldOf(schema, 'Room', 'unreadCount'))).toBe(true);
    expect(isViewerDependent(fieldOf(schema, 'Note', 'text'))).toBe(false);
    expect(isViewerDependent(fieldOf(schema, 'Room', 'lastMessage'))).toBe(false);
  });

  /** Two alike users (same app and role) subscribe with the same document; one note is published; what each gets, and how often it ran. */
  const deliver = async (query: string) => {
    const runs: string[] = [];
    const subscribe = sharedSubscribe({ onExecute: (path) => runs.push(path) });
    const document = parse(query);
    const [alice, bob] = await Promise.all(['11', '12'].map(async (userId) => {
      const result = await subscribe({ schema, document, contextValue: { principal: user(userId) } });
      if (!(Symbol.asyncIterator in result)) throw new Error(`not subscribed: ${JSON.stringify(result)}`);
      return result;
    }));
    expect(streams.size).toBe(2);
    const note: Note = { id: '7', text: 'hi', seenBy: 'nobody' };
    for (const stream of streams) stream.push(note);
    const got = await Promise.all([alice.next(), bob.next()]);
    return { got: got.map((step) => step.value as ExecutionResult), runs };
  };

  it('executes a selection with a marked field once per subscriber, each with their own answer', async () => {
    const { got, runs } = await deliver('subscription { noteAdded { id seenBy } }');
    expect(got).toEqual([{ data: { noteAdded: { id: '7', seenBy: '11' } } }, { data: { noteAdded: { id: '7', seenBy: '12' } } }]);
    expect(runs).toEqual(['own', 'own']);
  });

  it('finds the marked field in a fragment too', async () => {
    const { got, runs } = await deliver('subscription { noteAdded { ...seen } } fragment seen on Note { id seenBy }');
    expect(got).toEqual([{ data: { noteAdded: { id: '7', seenBy: '11' } } }, { data: { noteAdded: { id: '7', seenBy: '12' } } }]);
    expect(runs).toEqual(['own', 'own']);
  });

  it('executes a selection without one once for alike subscribers', async () => {
    const { got, runs } = await deliver('subscription { noteAdded { id text } }');
    expect(got).toEqual([{ data: { noteAdded: { id: '7', text: 'hi' } } }, { data: { noteAdded: { id: '7', text: 'hi' } } }]);
    expect(got[1]).toBe(got[0]); // one result object, handed to both
    expect(runs).toEqual(['shared']);
  });
});
