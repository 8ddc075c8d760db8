import { Extensions } from '@nestjs/graphql';
import type { GraphQLField } from 'graphql';

const VIEWER_DEPENDENT = 'viewerDependent';

/**
 * Marks a field whose value depends on who asks, beyond their app and role (Room.unreadCount:
 * the caller's own read position). Put it where the field is defined, beside its @Field or
 * @ResolveField: it lands in the schema field's `extensions`, and a subscription selecting the
 * field is executed per subscriber instead of once for all alike subscribers (graphql/shared-subscribe.ts).
 */
export const ViewerDependent = (): MethodDecorator & PropertyDecorator => Extensions({ [VIEWER_DEPENDENT]: true });

/** Whether a schema field was marked @ViewerDependent(). */
export const isViewerDependent = (field: GraphQLField<unknown, unknown> | null | undefined): boolean =>
  field?.extensions?.[VIEWER_DEPENDENT] === true;
