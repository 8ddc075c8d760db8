import { Controller, Headers, HttpCode, NotFoundException, Post, UnauthorizedException } from '@nestjs/common';
import { Public } from '../principal/allow.decorator.js';
import { PrincipalService } from '../auth/principal.service.js';
import { ChatError } from '../common/errors/chat-error.js';
import { AppConfig } from '../config/app-config.js';
import { DemoSetup, DemoSetupService } from './demo-setup.service.js';

/**
 * POST /demo/setup: one click from the console to a demo app, two users and their tokens.
 * Development only (404 in production). Public to the guard because it checks the operator key
 * itself, so that the refusal is a plain HTTP 401 rather than a GraphQL error.
 */
@Controller('demo')
export class DemoSetupController {
  constructor(private readonly config: AppConfig, private readonly principals: PrincipalService, private readonly demo: DemoSetupService) {}

  @Post('setup')
  @Public()
  @HttpCode(201)
  async setup(@Headers('x-admin-key') adminKey: string | undefined): Promise<DemoSetup> {
    if (this.config.production) throw new NotFoundException();
    await this.requireOperator(adminKey);
    return this.demo.create();
  }

  /** This endpoint's error mapping: PrincipalService throws ChatError(UNAUTHENTICATED) for a wrong key. */
  private async requireOperator(adminKey: string | undefined): Promise<void> {
    if (!adminKey) throw new UnauthorizedException('Send the operator key as x-admin-key');
    try {
      const principal = await this.principals.resolve({ adminKey });
      if (principal?.kind === 'operator') return;
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
    }
    throw new UnauthorizedException('Invalid operator key');
  }
}
