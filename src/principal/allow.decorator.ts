import { SetMetadata } from '@nestjs/common';
import { PrincipalKind } from './principal.js';

export const ALLOW_KEY = 'chat:allow';
export const PUBLIC_KEY = 'chat:public';

/** Which principals may call a handler. Handlers without it are refused (deny by default). */
export const Allow = (...kinds: PrincipalKind[]) => SetMetadata(ALLOW_KEY, kinds);

/** For health and metrics only. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
