import { Controller, Headers, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { Public } from '../principal/allow.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { ConsoleOperator } from './console-operator.js';
import { DemoSetup, DemoSetupService } from './demo-setup.service.js';

/**
 * POST /demo/setup: one click from the console to a demo app, two users and their tokens.
 * Development only (404 in production). Public to the guard because it checks the operator key
 * itself, so that the refusal is a plain HTTP 401 rather than a GraphQL error.
 */
@Controller('demo')
export class DemoSetupController {
  constructor(private readonly config: AppConfig, private readonly operator: ConsoleOperator, private readonly demo: DemoSetupService) {}

  @Post('setup')
  @Public()
  @HttpCode(201)
  async setup(@Headers('x-admin-key') adminKey: string | undefined): Promise<DemoSetup> {
    if (this.config.production) throw new NotFoundException();
    await this.operator.require(adminKey);
    return this.demo.create();
  }
}
