import { Injectable } from '@nestjs/common';
import type { ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { badInput, forbidden, notFound } from '../common/errors/chat-error.js';
import { AppScope } from '../database/app-scope.js';
import { toMessage } from '../messages/message.mapper.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { EventBus } from '../realtime/event-bus.js';
import { EventOutbox } from '../realtime/event-outbox.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { toUser } from '../users/user.model.js';
import { UsersRepository } from '../users/users.repository.js';
import { ReportEntity } from './report.entity.js';
import { CreateReportInput, Report, ReportCategory, ReportsArgs, ReportStatus, ReportTarget } from './report.model.js';
import { ReportsRepository } from './reports.repository.js';

/** Any user reports a user, a room or a message; managers of the room, staff and the app backend handle it. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly users: UsersRepository,
    private readonly messages: MessagesRepository,
    private readonly access: RoomAccessService,
    private readonly events: EventBus,
    private readonly outbox: EventOutbox,
  ) {}

  async create(caller: UserPrincipal, input: CreateReportInput): Promise<Report> {
    if (input.category === ReportCategory.CUSTOM && !input.reason?.trim()) throw badInput('A CUSTOM report needs a reason');
    const target = await this.resolveTarget(caller, input);
    const row = await this.reports.insert(caller.scope, {
      ...target, reporterId: caller.userId, category: input.category, reason: input.reason?.trim() || null,
    });
    const [report] = await this.views(caller.scope, [row]);
    const event = { type: 'report.created' as const, appId: caller.scope.appId, roomId: row.roomId, report };
    await this.outbox.recordAfter([event]); // one INSERT, no transaction: recorded right after it
    await this.events.publish(event);
    return report;
  }

  async list(caller: ScopedPrincipal, args: ReportsArgs): Promise<Report[]> {
    if (args.roomId) await this.access.requireManager(caller, args.roomId);
    else if (!this.access.isStaff(caller)) throw forbidden('Name a room you manage');
    const rows = await this.reports.list(caller.scope, args.roomId ?? null, args.status ?? null, args.limit ?? 50, args.before ?? null);
    return this.views(caller.scope, rows);
  }

  async resolve(caller: ScopedPrincipal, id: string, status: ReportStatus, resolution: string | null | undefined): Promise<Report> {
    if (status === ReportStatus.OPEN) throw badInput('Resolve as RESOLVED or DISMISSED');
    const row = await this.reports.findById(caller.scope, id);
    if (!row) throw notFound('Report');
    if (row.roomId) await this.access.requireManager(caller, row.roomId);
    else if (!this.access.isStaff(caller)) throw forbidden('Only staff handle reports that name no room');
    await this.reports.resolve(caller.scope, row.id, {
      status, resolvedBy: caller.kind === 'user' ? caller.userId : null, resolution: resolution?.trim() || null,
    });
    const [view] = await this.views(caller.scope, [(await this.reports.findById(caller.scope, row.id))!]);
    return view;
  }

  private async resolveTarget(caller: UserPrincipal, input: CreateReportInput): Promise<Pick<ReportEntity, 'targetType' | 'targetUserId' | 'targetMessageId' | 'roomId'>> {
    const extra = input.targetType === ReportTarget.MESSAGE ? [input.userId && 'userId', input.roomId && 'roomId']
      : input.targetType === ReportTarget.ROOM ? [input.userId && 'userId', input.messageId && 'messageId'] : [input.messageId && 'messageId'];
    const named = extra.filter(Boolean);
    if (named.length) throw badInput(`A ${input.targetType} report names exactly one target: leave out ${named.join(' and ')}`);
    if (input.targetType === ReportTarget.MESSAGE) {
      if (!input.messageId) throw badInput('A MESSAGE report needs messageId');
      const message = await this.messages.findById(caller.scope, input.messageId);
      if (!message) throw notFound('Message');
      await this.access.requireReader(caller, message.roomId);
      return { targetType: 'MESSAGE', targetMessageId: message.id, targetUserId: message.authorId, roomId: message.roomId };
    }
    if (input.targetType === ReportTarget.ROOM) {
      if (!input.roomId) throw badInput('A ROOM report needs roomId');
      const { room } = await this.access.requireReader(caller, input.roomId);
      return { targetType: 'ROOM', targetMessageId: null, targetUserId: null, roomId: room.id };
    }
    if (!input.userId) throw badInput('A USER report needs userId');
    if (input.userId === caller.userId) throw badInput('You cannot report yourself');
    const user = await this.users.findById(caller.scope, input.userId);
    if (!user) throw notFound('User');
    const roomId = input.roomId ? (await this.access.requireReader(caller, input.roomId)).room.id : null;
    return { targetType: 'USER', targetMessageId: null, targetUserId: user.id, roomId };
  }

  private async views(scope: AppScope, rows: ReportEntity[]): Promise<Report[]> {
    const userIds = [...new Set(rows.flatMap((r) => [r.reporterId, r.targetUserId]).filter((id): id is string => !!id))];
    const messageIds = [...new Set(rows.map((r) => r.targetMessageId).filter((id): id is string => !!id))];
    const [users, messages] = await Promise.all([this.users.findByIds(scope, userIds), this.messages.findByIds(scope, messageIds)]);
    const userById = new Map(users.map((u) => [u.id, toUser(u)]));
    const messageById = new Map(messages.map((m) => [m.id, toMessage(m)]));
    return rows.map((row) => ({
      id: row.id, roomId: row.roomId, reporter: userById.get(row.reporterId) ?? null, targetType: row.targetType as ReportTarget,
      targetUser: row.targetUserId ? userById.get(row.targetUserId) ?? null : null,
      targetMessage: row.targetMessageId ? messageById.get(row.targetMessageId) ?? null : null,
      category: row.category as ReportCategory, reason: row.reason, status: row.status as ReportStatus,
      resolution: row.resolution, createdAt: row.createdAt, resolvedAt: row.resolvedAt,
    }));
  }
}
