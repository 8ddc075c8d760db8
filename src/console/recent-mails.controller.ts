import { Controller, Get, Headers, NotFoundException } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { MailService } from '../mail/mail.service.js';
import { Public } from '../principal/allow.decorator.js';
import { ConsoleOperator } from './console-operator.js';

/** A mail as the console lists it. */
export interface RecentMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** ISO-8601. */
  at: string;
}

/**
 * GET /console/mails: the last mails this instance sent or logged (at most 20, newest first), for
 * the console's "Recent mails" panel, so a development server needs no mail server to confirm a
 * talker account. Development only (404 in production, where nothing is kept); the operator key
 * is required (the mails hold confirmation links).
 */
@Controller('console')
export class RecentMailsController {
  constructor(private readonly config: AppConfig, private readonly operator: ConsoleOperator, private readonly mail: MailService) {}

  @Get('mails')
  @Public()
  async list(@Headers('x-admin-key') adminKey: string | undefined): Promise<RecentMail[]> {
    if (this.config.production) throw new NotFoundException();
    await this.operator.require(adminKey);
    return this.mail.recent().map((m) => ({ from: m.from, to: m.to, subject: m.subject, text: m.text, at: m.at.toISOString() }));
  }
}
