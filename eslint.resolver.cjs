// An eslint-module-utils resolver (interface v2) for this repo's ESM TypeScript: `./x.js` in a .ts
// file means ./x.ts. eslint-plugin-boundaries needs each import resolved to a file to know its
// folder; the Node resolver it ships with does not map .js to .ts.
const { existsSync } = require('node:fs');
const { dirname, resolve } = require('node:path');
const node = require('eslint-import-resolver-node');

exports.interfaceVersion = 2;
exports.resolve = (source, file, config) => {
  if (source.startsWith('.')) {
    const target = resolve(dirname(file), source);
    const ts = target.replace(/\.js$/, '.ts');
    if (existsSync(ts)) return { found: true, path: ts };
  }
  return node.resolve(source, file, config);
};
