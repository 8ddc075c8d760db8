import {
  BREAK, createSourceEventStream, DocumentNode, execute, ExecutionArgs, ExecutionResult, GraphQLSchema, print, TypeInfo, visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Principal } from '../principal/principal.js';
import { isViewerDependent } from '../common/graphql/viewer-dependent.js';

export interface SharedSubscribeStats {
  /** Executions of an event for a subscription, counted per path. */
  onExecute?(path: 'shared' | 'own'): void;
}

/**
 * graphql-ws's `subscribe`, executing each event once per distinct (app, viewer role, document,
 * variables) instead of once per subscriber. Authorization stays where it is: at subscribe time
 * (the root field's resolver) and on membership changes (the event bridge ends streams), never
 * per delivery; the bridge hands one payload object to every subscriber of an event, so results
 * are cached per payload object and freed with it. A selection with a field marked
 * @ViewerDependent() where it is defined (Room.unreadCount) is executed per subscriber, exactly as
 * graphql's own subscribe does.
 */
export function sharedSubscribe(stats: SharedSubscribeStats = {}) {
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  /** Per parsed document (the document cache hands out one object per query text; one schema per server). */
  const viewerDependent = new WeakMap<DocumentNode, boolean>();
  const dependsOnViewer = (schema: GraphQLSchema, document: DocumentNode) => {
    let dependent = viewerDependent.get(document);
    if (dependent === undefined) viewerDependent.set(document, (dependent = selectsViewerDependent(schema, document)));
    return dependent;
  };
  return async (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source; // errors of subscribing, as graphql's subscribe returns them
    const key = dependsOnViewer(args.schema, args.document) ? null : shareKey(args);
    const executeOwn = (event: unknown) => {
      stats.onExecute?.('own');
      return Promise.resolve(execute({ ...args, rootValue: event }));
    };
    return mapAsyncIterator(source, (event: unknown) => {
      if (key === null || typeof event !== 'object' || event === null) return executeOwn(event);
      let perEvent = results.get(event);
      if (!perEvent) results.set(event, (perEvent = new Map()));
      let result = perEvent.get(key);
      if (!result) {
        stats.onExecute?.('shared');
        result = Promise.resolve(execute({ ...args, rootValue: event }));
        perEvent.set(key, result);
      }
      return result;
    });
  };
}

/** What subscribers must have in common to share an execution; null when they cannot (the operator, no principal). */
function shareKey(args: ExecutionArgs): string | null {
  const principal = (args.contextValue as { principal?: Principal | null } | undefined)?.principal;
  if (!principal || principal.kind === 'operator') return null;
  const viewer = principal.kind === 'user' ? `user:${principal.role}` : 'app';
  return JSON.stringify([principal.scope.appId, viewer, args.operationName ?? null, print(args.document), args.variableValues ?? {}]);
}

/**
 * Whether the document selects a field marked viewer-dependent, on whatever type and however deep
 * (fragments included: each is visited with its own type condition).
 */
function selectsViewerDependent(schema: GraphQLSchema, document: DocumentNode): boolean {
  const types = new TypeInfo(schema);
  let found = false;
  visit(document, visitWithTypeInfo(types, {
    Field: () => {
      if (!isViewerDependent(types.getFieldDef())) return undefined;
      found = true;
      return BREAK;
    },
  }));
  return found;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Maps a source stream; the client's unsubscribe (return) reaches the source at once. */
function mapAsyncIterator<T, U>(source: AsyncIterable<T>, map: (value: T) => Promise<U>): AsyncGenerator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const done = { value: undefined, done: true } as IteratorReturnResult<undefined>;
  const mapped: AsyncGenerator<U> = {
    async next() {
      const step = await iterator.next();
      return step.done ? done : { value: await map(step.value), done: false };
    },
    async return() {
      await iterator.return?.();
      return done;
    },
    async throw(error: unknown) {
      if (iterator.throw) await iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() { return mapped; },
  } as AsyncGenerator<U>;
  return mapped;
}
