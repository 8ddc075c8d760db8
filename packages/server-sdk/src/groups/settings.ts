import * as ops from '../generated/graphql.js';
import { IDEMPOTENT, type Call } from './call.js';

/** `chat.settings`: the app and its settings (pre-send hook included). */
export class SettingsApi {
  constructor(private readonly call: Call) {}
  /** Your app: id, name, its lobby room. */
  async app() { return (await this.call(ops.AppDocument, {}, IDEMPOTENT)).app; }
  async get() { return (await this.call(ops.AppSettingsDocument, {}, IDEMPOTENT)).appSettings; }
  /** Only the fields given change; null puts a setting back to its default. */
  async update(input: ops.UpdateAppSettingsInput) { return (await this.call(ops.UpdateAppSettingsDocument, { input }, IDEMPOTENT)).updateAppSettings; }
}
