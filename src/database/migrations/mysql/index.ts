import { Initial1763900000000 } from './1763900000000-Initial.js';
import { TenantKeys1764000000000 } from './1764000000000-TenantKeys.js';
import { Media1765000000000 } from './1765000000000-Media.js';
import { TalkerAccounts1766000000000 } from './1766000000000-TalkerAccounts.js';
import { Webhooks1767000000000 } from './1767000000000-Webhooks.js';
import { WebhookPayloadMediumText1767100000000 } from './1767100000000-WebhookPayloadMediumText.js';
import { WebhookCursors1767200000000 } from './1767200000000-WebhookCursors.js';
import { WebhookAttempts1767300000000 } from './1767300000000-WebhookAttempts.js';

/** MySQL/MariaDB migrations, oldest first. Generate new ones with `npm run migration:generate`. */
export const MYSQL_MIGRATIONS = [Initial1763900000000, TenantKeys1764000000000, Media1765000000000, TalkerAccounts1766000000000, Webhooks1767000000000, WebhookPayloadMediumText1767100000000, WebhookCursors1767200000000, WebhookAttempts1767300000000];
