import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../principal/allow.decorator.js';
import { talkerAddress } from './talker-address.js';
import { retryAfterOf } from './talker-errors.js';
import { TalkerDispatcher } from './talker-dispatcher.js';
import { TalkerRoutes } from './talker-routes.js';

/** Where the slash routes are served over HTTP. */
export const TALKER_HTTP_PREFIX = '/talker';

/**
 * The slash routes over HTTP: GET /talker/<route>?<query> or POST /talker/<route> with a JSON
 * body. Answers the route's result as JSON, or `{error, message}` with the code's status.
 * Public to the guard: talker routes prove their caller themselves (user_id + clientAddress).
 */
@Controller(TALKER_HTTP_PREFIX.slice(1))
export class TalkerController {
  constructor(private readonly routes: TalkerRoutes, private readonly dispatcher: TalkerDispatcher, private readonly config: AppConfig) {}

  @All('*path')
  @Public()
  async call(@Req() req: Request, @Res() res: Response): Promise<void> {
    const name = req.path.slice(TALKER_HTTP_PREFIX.length).replace(/\/+$/, '');
    const route = this.routes.get(name);
    if (!route || route.serve !== 'both') {
      res.status(404).json({ error: 'NOT_FOUND', message: `No talker route ${name || '/'}` });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.status(405).setHeader('Allow', 'GET, POST').json({ error: 'BAD_REQUEST', message: 'Use GET with query parameters or POST with a JSON body' });
      return;
    }
    const raw: unknown = req.method === 'GET' ? { ...req.query } : req.body;
    const outcome = await this.dispatcher.overHttp(route, raw, req.ip ?? 'unknown', talkerAddress(this.config.media.publicUrl, req.secure, req.headers.host));
    if (outcome.ok) {
      res.status(200).json(outcome.result ?? null);
      return;
    }
    const retryAfter = retryAfterOf(outcome.error);
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    res.status(outcome.error.status).json({ error: outcome.error.code, message: outcome.error.message });
  }
}
