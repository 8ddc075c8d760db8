import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { IdArg } from '../common/graphql/id.args.js';
import { CreateReportInput, Report, ReportsArgs, ReportStatus } from './report.model.js';
import { ReportsService } from './reports.service.js';

@Resolver(() => Report)
export class ReportsResolver {
  constructor(private readonly service: ReportsService) {}

  @Mutation(() => Report, { description: 'Report a user, a room or a message to the room\'s managers and the app\'s staff.' })
  @Allow('user')
  createReport(@CurrentPrincipal() caller: UserPrincipal, @Args('input') input: CreateReportInput): Promise<Report> {
    return this.service.create(caller, input);
  }

  @Query(() => [Report], { description: 'Managers of the room, staff and the app backend.' })
  @Allow('app', 'user')
  reports(@CurrentPrincipal() caller: ScopedPrincipal, @Args() args: ReportsArgs): Promise<Report[]> {
    return this.service.list(caller, args);
  }

  @Mutation(() => Report)
  @Allow('app', 'user')
  resolveReport(@CurrentPrincipal() caller: ScopedPrincipal, @IdArg('id') id: string,
    @Args('status', { type: () => ReportStatus }) status: ReportStatus,
    @Args('resolution', { type: () => String, nullable: true }) resolution?: string): Promise<Report> {
    return this.service.resolve(caller, id, status, resolution);
  }
}
