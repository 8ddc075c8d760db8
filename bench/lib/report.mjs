// Command-line options (each also settable as a BENCH_* environment variable) and the
// markdown tables every benchmark prints.
import { parseArgs } from 'node:util';

/**
 * Parses --name value flags; each option's env var (BENCH_<NAME>, dashes as underscores) is the
 * fallback, then its default. Numbers stay numbers, lists ("a,b") become arrays when asked.
 * `spec`: { name: { default, type: 'number' | 'string' | 'list' | 'numbers' | 'boolean', help, defaultHelp } };
 * `defaultHelp` is what --help shows as the default when it depends on other options.
 */
export function options(spec, usage) {
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(Object.entries(spec).map(([name, o]) => [name, { type: o.type === 'boolean' ? 'boolean' : 'string' }])),
      help: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(`${usage}\n\nOptions (or env BENCH_<NAME>):`);
    for (const [name, o] of Object.entries(spec)) console.log(`  --${name.padEnd(14)} ${o.help ?? ''} (default ${o.defaultHelp ?? JSON.stringify(o.default)})`);
    process.exit(0);
  }
  const result = {};
  for (const [name, o] of Object.entries(spec)) {
    const env = process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
    const raw = values[name] ?? env;
    if (raw === undefined) { result[name] = o.default; continue; }
    switch (o.type) {
      case 'number': result[name] = Number(raw); break;
      case 'boolean': result[name] = raw === true || raw === 'true' || raw === '1'; break;
      case 'list': result[name] = String(raw).split(',').map((s) => s.trim()).filter(Boolean); break;
      case 'numbers': result[name] = String(raw).split(',').map(Number).filter((n) => n > 0); break;
      default: result[name] = raw;
    }
  }
  return result;
}

/** A markdown table: headers and rows of cells (already formatted). */
export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Numbers as people read them: 12,345 / 1.23 / 0.012. */
export function fmt(value, digits = null) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (digits !== null) return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** µs as milliseconds with two decimals. */
export const ms = (us) => (Number.isNaN(us) ? '–' : (us / 1000).toFixed(2));

/** A ratio ours/bare with a verdict against a target (≥ or ≤). */
export function ratio(ours, bare, target = null) {
  if (!(bare > 0) || !Number.isFinite(ours)) return '–';
  const r = ours / bare;
  if (!target) return `${r.toFixed(2)}×`;
  const ok = target.atLeast !== undefined ? r >= target.atLeast : r <= target.atMost;
  const goal = target.atLeast !== undefined ? `≥ ${target.atLeast}` : `≤ ${target.atMost}`;
  return `${r.toFixed(2)}× (target ${goal}: ${ok ? 'met' : 'NOT met'})`;
}

export const heading = (title) => `\n### ${title}\n`;
