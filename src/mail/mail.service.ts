import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig } from '../config/app-config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** A mail as it was handed over (development keeps the last few for the web console). */
export interface SentMail extends Mail {
  from: string;
  at: Date;
}

/** How many mails a development server remembers. */
const RECENT_MAILS = 20;

/**
 * Outgoing mail: over SMTP (nodemailer) when SMTP_URL is set, from MAIL_FROM; otherwise the mail
 * is written to the log (info), so a development server needs no mail server. Outside
 * production the last mails are also kept in memory (recent()).
 */
@Injectable()
export class MailService implements OnModuleDestroy {
  private readonly transport: Transporter | null;
  private readonly kept: SentMail[] = [];

  constructor(private readonly config: AppConfig, @Inject(LOGGER) private readonly log: Logger) {
    this.transport = config.mail.smtpUrl ? createTransport(config.mail.smtpUrl) : null;
  }

  /** Resolves once the SMTP server took the mail (or it was logged); rejects when it could not be sent. */
  async send(mail: Mail): Promise<void> {
    const sent: SentMail = { ...mail, from: this.config.mail.from, at: new Date() };
    if (this.transport) {
      await this.transport.sendMail({ from: sent.from, to: mail.to, subject: mail.subject, text: mail.text });
    } else {
      this.log.info({ mail: { from: sent.from, to: mail.to, subject: mail.subject, text: mail.text } }, 'mail (no SMTP_URL: logged, not sent)');
    }
    if (!this.config.production) {
      this.kept.unshift(sent);
      this.kept.length = Math.min(this.kept.length, RECENT_MAILS);
    }
  }

  /** The last mails sent or logged by this instance, newest first (empty in production). */
  recent(): readonly SentMail[] {
    return this.kept;
  }

  onModuleDestroy() {
    this.transport?.close();
  }
}
