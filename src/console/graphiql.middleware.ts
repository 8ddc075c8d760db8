import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ConsoleAssets } from './console-assets.js';

/**
 * GET /graphql from a browser gets the GraphQL IDE; everything else (POST, GET from API clients,
 * graphql-ws upgrades) goes on to Apollo. Applied by ConsoleModule to GET /graphql only.
 */
@Injectable()
export class GraphiqlMiddleware implements NestMiddleware {
  constructor(private readonly assets: ConsoleAssets) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'GET' || req.accepts(['application/json', 'text/html']) !== 'text/html') return next();
    this.assets.sendPage(res, 'graphiql').catch(next);
  }
}
