declare const brand: unique symbol;

/** The only way to name a tenant. Every repository method takes one first. */
export type AppScope = { readonly appId: string; readonly [brand]: 'AppScope' };

/** Made by auth/ (from verified credentials), apps/ (for an app it just created), cli/ and test support only. */
export const scopeOf = (appId: string) => ({ appId: String(appId) }) as AppScope;
