// The package is "type": "module"; its CommonJS build says so of itself, so Node loads dist/cjs/*.js with require().
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

writeFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
