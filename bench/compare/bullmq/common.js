'use strict';
// Shared helpers for the BullMQ comparison benchmarks.
const { performance } = require('node:perf_hooks');

const DEFAULTS = { jobs: 20000, rate: 200, seconds: 20, concurrency: 8 };

function usage(msg) {
  process.stderr.write(
    (msg ? msg + '\n' : '') +
      'usage: --redis-url URL [--jobs N] [--rate R] [--seconds S] [--concurrency C]\n',
  );
  process.exit(2);
}

function parseArgs(argv = process.argv.slice(2)) {
  const a = { redisUrl: null, ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (v === undefined) usage(`missing value for ${k}`);
    i++;
    switch (k) {
      case '--redis-url': a.redisUrl = v; break;
      case '--jobs': a.jobs = Number(v); break;
      case '--rate': a.rate = Number(v); break;
      case '--seconds': a.seconds = Number(v); break;
      case '--concurrency': a.concurrency = Number(v); break;
      default: usage(`unknown option ${k}`);
    }
  }
  if (!a.redisUrl) usage('--redis-url is required');
  for (const k of ['jobs', 'rate', 'seconds', 'concurrency']) {
    if (!(a[k] > 0) || !Number.isFinite(a[k])) usage(`--${k} must be a positive number`);
  }
  if (!Number.isInteger(a.jobs) || !Number.isInteger(a.concurrency)) usage('--jobs and --concurrency must be integers');
  return a;
}

// BullMQ connection options from a redis:// URL. Parsed here (host/port/db/auth) rather
// than handed over as a URL, so nothing can silently fall back to 127.0.0.1:6379.
function connectionFromUrl(url) {
  const u = new URL(url);
  if (u.protocol !== 'redis:') throw new Error(`only redis:// URLs are supported, got ${url}`);
  const c = { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) };
  const db = u.pathname.replace(/^\//, '');
  if (db) c.db = Number(db);
  if (u.username) c.username = decodeURIComponent(u.username);
  if (u.password) c.password = decodeURIComponent(u.password);
  return c;
}

function uniqueQueueName(workload) {
  return `bench-${workload}-${Math.random().toString(16).slice(2, 10)}`;
}

// Wall clock in ms with sub-millisecond resolution (Date.now() is whole ms only).
function wallMs() {
  return performance.timeOrigin + performance.now();
}

function log(...args) {
  process.stderr.write(args.join(' ') + '\n');
}

// The only thing a benchmark prints on stdout: one `name=value` line per figure.
function emit(name, value) {
  const v = Number.isInteger(value) ? String(value) : value.toFixed(2);
  process.stdout.write(`${name}=${v}\n`);
}

// Nearest-rank percentile: the ceil(p/100 * n)-th smallest value (same rule as the rq scripts).
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = {
  DEFAULTS, parseArgs, connectionFromUrl, uniqueQueueName, wallMs, log, emit, percentile, sleep,
};
