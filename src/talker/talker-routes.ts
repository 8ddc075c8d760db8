import { Inject, Injectable } from '@nestjs/common';
import { TALKER_ROUTES, TalkerRoute } from './talker-route.js';

/** A provider contributing routes; list its class in ROUTE_PROVIDERS (talker.module.ts). */
export interface TalkerRouteProvider {
  routes(): TalkerRoute[];
}

/** Every route by name, for the gateway and the HTTP controller. */
@Injectable()
export class TalkerRoutes {
  private readonly byName = new Map<string, TalkerRoute>();

  constructor(@Inject(TALKER_ROUTES) routes: TalkerRoute[]) {
    for (const route of routes) {
      if (this.byName.has(route.name)) throw new Error(`talker route ${route.name} is defined twice`);
      this.byName.set(route.name, route);
    }
  }

  get(name: string): TalkerRoute | undefined {
    return this.byName.get(name);
  }

  all(): TalkerRoute[] {
    return [...this.byName.values()];
  }
}
