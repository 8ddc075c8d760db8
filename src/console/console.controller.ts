import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { normalizeOrigin } from '../common/origins.js';
import { Public } from '../principal/allow.decorator.js';
import { connectSourcesFor, ConsoleAssets } from './console-assets.js';

/** The web console: static pages that talk to this server like any client would (SPEC, "Web console"). */
@Controller()
@Public()
export class ConsoleController {
  constructor(private readonly assets: ConsoleAssets) {}

  /** What is running, with links to the pages and the one-click demo setup. */
  @Get()
  home(@Res() res: Response): Promise<void> {
    return this.assets.sendPage(res, 'home');
  }

  /**
   * The legacy chatbox (Moneypot protocol over Socket.IO); ?app_id=&hashed_token= optional.
   * ?chat_uri= points it at another chat server, which its CSP then lets it connect to (a value
   * that is not an origin adds nothing, and the page's connection is refused by the CSP).
   */
  @Get('demo/legacy')
  legacy(@Query('chat_uri') chatUri: unknown, @Res() res: Response): Promise<void> {
    const chatServer = typeof chatUri === 'string' ? normalizeOrigin(chatUri) : null;
    return this.assets.sendPage(res, 'legacy', chatServer ? connectSourcesFor(chatServer) : []);
  }

  /** The GraphQL chat page; ?token= optional. */
  @Get('demo/graphql')
  graphql(@Res() res: Response): Promise<void> {
    return this.assets.sendPage(res, 'graphql');
  }

  /** Allow-listed files only: the name is a key, never a path. */
  @Get('console/assets/:name')
  async asset(@Param('name') name: string, @Res() res: Response): Promise<void> {
    if (!(await this.assets.sendAsset(res, name))) throw new NotFoundException(`No console asset named ${JSON.stringify(name)}`);
  }
}
