import {
  createSourceEventStream, DocumentNode, execute, ExecutionArgs, ExecutionResult, FieldNode, FragmentDefinitionNode,
  Kind, print, SelectionSetNode,
} from 'graphql';
import type { Principal } from '../principal/principal.js';

/** Fields whose value depends on who asks (beyond the app): a selection with one is executed per subscriber. */
export const VIEWER_DEPENDENT_FIELDS: ReadonlySet<string> = new Set(['unreadCount']);

export interface SharedSubscribeStats {
  /** Executions of an event for a subscription, counted per path. */
  onExecute?(path: 'shared' | 'own'): void;
}

/**
 * graphql-ws's `subscribe`, executing each event once per distinct (app, viewer role, document,
 * variables) instead of once per subscriber. Authorization stays where it is: at subscribe time
 * (the root field's resolver) and on membership changes (the event bridge ends streams), never
 * per delivery; the bridge hands one payload object to every subscriber of an event, so results
 * are cached per payload object and freed with it. A selection with a viewer-dependent field
 * (unreadCount) is executed per subscriber, exactly as graphql's own subscribe does.
 */
export function sharedSubscribe(stats: SharedSubscribeStats = {}) {
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  return async (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source; // errors of subscribing, as graphql's subscribe returns them
    const key = shareKey(args);
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

/** What subscribers must have in common to share an execution; null when the selection depends on the viewer. */
function shareKey(args: ExecutionArgs): string | null {
  if (dependsOnViewer(args.document)) return null;
  const principal = (args.contextValue as { principal?: Principal | null } | undefined)?.principal;
  if (!principal || principal.kind === 'operator') return null;
  const viewer = principal.kind === 'user' ? `user:${principal.role}` : 'app';
  return JSON.stringify([principal.scope.appId, viewer, args.operationName ?? null, print(args.document), args.variableValues ?? {}]);
}

function dependsOnViewer(document: DocumentNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): boolean => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (VIEWER_DEPENDENT_FIELDS.has((selection as FieldNode).name.value) || visit(selection.selectionSet)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (visit(selection.selectionSet)) return true;
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        if (visit(fragments.get(selection.name.value)?.selectionSet)) return true;
      }
    }
    return false;
  };
  return document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && visit(d.selectionSet));
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
