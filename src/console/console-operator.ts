import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PrincipalService } from '../auth/principal.service.js';
import { ChatError } from '../common/errors/chat-error.js';

/**
 * The operator key check of the console's development endpoints (POST /demo/setup, GET
 * /console/mails): a missing or wrong x-admin-key is a plain HTTP 401 rather than a GraphQL error
 * (PrincipalService throws ChatError(UNAUTHENTICATED) for a wrong key).
 */
@Injectable()
export class ConsoleOperator {
  constructor(private readonly principals: PrincipalService) {}

  async require(adminKey: string | undefined): Promise<void> {
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
