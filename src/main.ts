import 'reflect-metadata';
import { AppConfig } from './config/app-config.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { startServer } from './server.js';

/** Bootstrap only: load config, start, print where things are. */
async function main() {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { url } = await startServer(config);
  const base = url.replace('127.0.0.1', 'localhost');
  const lines = [
    `Chat service ready (${config.database.kind}${config.redisUrl ? ' + redis' : ''})`,
    `  GraphQL + graphql-ws  ${base}/graphql`,
    `  legacy Socket.IO      ${base}/socket.io (default namespace)`,
    `  talker API            ${talkerLine(config, base)}`,
    `  health / readiness    ${base}/health  ${base}/ready  (metrics: ${base}/metrics)`,
    `  web console           ${base}/`,
  ];
  if (config.adminKeyGenerated) lines.push(`  operator key (generated for this run; set CHAT_ADMIN_KEY to fix one): ${config.adminKey}`);
  console.log(lines.join('\n'));
}

function talkerLine(config: AppConfig, base: string): string {
  if (config.talker.appId) return `${base}/talker (namespace /talker and HTTP routes; app ${config.talker.appId})`;
  return config.production ? 'off (set TALKER_APP_ID)' : `${base}/talker (namespace /talker and HTTP routes; app "talker")`;
}

main().catch((error) => {
  console.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
