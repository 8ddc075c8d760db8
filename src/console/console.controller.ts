import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../principal/allow.decorator.js';
import { ConsoleAssets } from './console-assets.js';

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

  /** The legacy chatbox (Moneypot protocol over Socket.IO); ?app_id=&hashed_token= optional. */
  @Get('demo/legacy')
  legacy(@Res() res: Response): Promise<void> {
    return this.assets.sendPage(res, 'legacy');
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
