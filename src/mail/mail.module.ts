import { Module } from '@nestjs/common';
import { MailService } from './mail.service.js';

/** Outgoing mail (SMTP_URL, MAIL_FROM). */
@Module({ providers: [MailService], exports: [MailService] })
export class MailModule {}
