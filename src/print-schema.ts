import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { AppModule } from './app.module.js';
import { loadConfig } from './config/load-config.js';

/**
 * `npm run schema:print`: builds the server's real GraphQL schema (the Nest app, initialised but not
 * listening, on an in-memory SQLite database) and writes it to schema.graphql at the repository root.
 * With `--check` it writes nothing and exits 1 when the committed file differs.
 */
async function main(argv: string[]): Promise<number> {
  const target = resolve(process.cwd(), 'schema.graphql');
  const media = mkdtempSync(join(tmpdir(), 'schema-print-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', PORT: '0', DATABASE_URL: 'sqlite::memory:', MEDIA_LOCAL_DIR: media, CHAT_ADMIN_KEY: 'schema-print-only-key' });
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false, abortOnError: false });
  try {
    await app.init();
    const printed = `${printSchema(app.get(GraphQLSchemaHost).schema)}\n`;
    if (argv.includes('--check')) {
      const committed = readOrEmpty(target);
      if (committed === printed) return 0;
      console.error('schema.graphql is stale: run `npm run schema:print` and commit it');
      return 1;
    }
    writeFileSync(target, printed);
    console.log(`wrote ${target}`);
    return 0;
  } finally {
    await app.close();
    rmSync(media, { recursive: true, force: true });
  }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(`schema:print failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
