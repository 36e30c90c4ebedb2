// The process adapter for ccxt's JavaScript build (npm package `ccxt`): bitget-conformance starts it with
// `node ccxt_adapter.js` and drives it with protocol 1 of docs/conformance.md ("Process adapters"), one JSON
// object per line on stdin, one answer per line on stdout. Logs go to stderr, never to stdout.
//
// ccxt is looked up as Node resolves `require('ccxt')` from here and on NODE_PATH, then in
// ./node_modules of the current directory (`npm install ccxt` where you run the harness).
'use strict';
const path = require('path');
const readline = require('readline');

const PROTOCOL = 1;
let ccxt = null;
let loadError = null;
for (const where of ['ccxt', path.join(process.cwd(), 'node_modules', 'ccxt')]) {
  try { ccxt = require(where); break; } catch (e) { loadError = e; }
}

const sessions = new Map();   // session id -> { exchange, synced }
const markets = new Map();    // base URL -> [markets, currencies, uta]: loaded once, as one long-lived instance keeps them
const STATUS = { open: 'open', closed: 'filled', canceled: 'cancelled', cancelled: 'cancelled' };

// ccxt's error classes, most specific first, and what each means to the harness
const CATEGORIES = ccxt ? [
  [ccxt.PermissionDenied, 'permission'],   // a subclass of AuthenticationError
  [ccxt.AuthenticationError, 'auth'],
  [ccxt.InvalidNonce, 'timestamp'],        // a subclass of NetworkError
  [ccxt.DDoSProtection, 'rate_limit'], [ccxt.RateLimitExceeded, 'rate_limit'],
  [ccxt.InsufficientFunds, 'insufficient_funds'],
  [ccxt.OrderNotFound, 'order_not_found'],
  [ccxt.BadRequest, 'bad_request'], [ccxt.InvalidOrder, 'bad_request'], [ccxt.ArgumentsRequired, 'bad_request'],
  [ccxt.NetworkError, 'transport'], [ccxt.BadResponse, 'transport'],
  [ccxt.BaseError, 'other'],
] : [];

function category(error) {
  for (const [cls, name] of CATEGORIES) if (cls && error instanceof cls) return name;
  return null; // not one of ccxt's errors (a TypeError from inside): a crash
}

async function load(s) {
  const ex = s.exchange;
  if (!ex.markets) {
    const cached = markets.get(s.baseUrl);
    if (cached) {
      ex.setMarkets(cached[0], cached[1]);
      if (cached[2] !== undefined) ex.options.uta = cached[2];
    } else {
      await ex.loadMarkets();
      const probe = ex.handleUTAAndParams || ex.handleUtaAndParams; // probes /api/v3/account/settings
      if (probe) await probe.call(ex, {}, 'fetchBalance', false);
      markets.set(s.baseUrl, [ex.markets, ex.currencies, ex.options.uta]);
      s.synced = true;
    }
  }
  if (!s.synced && ex.options.adjustForTimeDifference) await ex.loadTimeDifference();
  s.synced = true;
}

async function unified(s, marketId) {
  await load(s);
  for (const m of s.exchange.markets_by_id[marketId] || []) if (m.spot) return m.symbol;
  throw new ccxt.BadSymbol(`bitget does not have market id ${marketId}`);
}

function order(o, symbol) {
  return { orderId: String(o.id), symbol, side: String(o.side), price: o.price, size: o.amount,
           status: STATUS[o.status] || String(o.status), clientOid: o.clientOrderId ?? null };
}

const OPS = {
  async open(s, a) {
    const ex = new ccxt.bitget({ apiKey: a.apiKey, secret: a.secretKey, password: a.passphrase,
                                 enableRateLimit: true, timeout: 10000, ...(a.options || {}) });
    for (const k of Object.keys(ex.urls.api)) ex.urls.api[k] = a.baseUrl.replace(/\/$/, '');
    return { exchange: ex, baseUrl: a.baseUrl, synced: false };
  },
  server_time: async (s) => s.exchange.fetchTime(),
  async fetch_ticker(s, a) {
    const t = await s.exchange.fetchTicker(await unified(s, a.symbol));
    return { last: t.last ?? null, bid: t.bid ?? null, ask: t.ask ?? null };
  },
  async fetch_order_book(s, a) {
    const b = await s.exchange.fetchOrderBook(await unified(s, a.symbol));
    return { bids: b.bids.map((l) => [l[0], l[1]]), asks: b.asks.map((l) => [l[0], l[1]]) };
  },
  async fetch_balance(s) {
    await load(s);
    const raw = await s.exchange.fetchBalance();
    const out = {};
    for (const row of raw.info || []) { // ccxt's unified codes may rename coins; keep Bitget's names
      const entry = raw[s.exchange.safeCurrencyCode(String(row.coin))] || {};
      out[String(row.coin)] = { available: entry.free ?? null, frozen: entry.used ?? null };
    }
    return out;
  },
  async place_limit_order(s, a) {
    const params = a.clientOid != null ? { clientOrderId: a.clientOid } : {};
    const o = await s.exchange.createOrder(await unified(s, a.symbol), 'limit', a.side, a.size, a.price, params);
    return { orderId: String(o.id), clientOid: o.clientOrderId ?? null };
  },
  async cancel_order(s, a) { await s.exchange.cancelOrder(a.orderId, await unified(s, a.symbol)); return null; },
  fetch_order: async (s, a) => order(await s.exchange.fetchOrder(a.orderId, await unified(s, a.symbol)), a.symbol),
  async fetch_order_by_client_oid(s, a) {
    const sym = await unified(s, a.symbol);
    return order(await s.exchange.fetchOrder(undefined, sym, { clientOrderId: a.clientOid }), a.symbol);
  },
  async fetch_open_orders(s, a) {
    return (await s.exchange.fetchOpenOrders(await unified(s, a.symbol))).map((o) => order(o, a.symbol));
  },
  async place_limit_orders(s, a) {
    const sym = await unified(s, a.symbol);
    const made = await s.exchange.createOrders(a.orders.map((o) => ({
      symbol: sym, type: 'limit', side: o.side, amount: o.size, price: o.price,
      params: o.clientOid != null ? { clientOrderId: o.clientOid } : {} })));
    return made.filter((o) => o.id).map((o) => ({ orderId: String(o.id), clientOid: o.clientOrderId ?? null }));
  },
  async set_timeout(s, a) { s.exchange.timeout = Math.round(a.seconds * 1000); return null; },
  async request_log(s) {
    // what ccxt's verbose mode prints (each request's method, URL, headers and body), as a bot that sets
    // `verbose: true` logs it; captured here, as stdout carries the protocol
    s.log = [];
    s.exchange.verbose = true;
    s.exchange.log = (...args) => s.log.push(args.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
    return null;
  },
};

async function handle(msg) {
  if (msg.op === 'hello') {
    if (!ccxt) {
      const why = String(loadError).split('\n')[0];
      throw Object.assign(new Error(`cannot load the ccxt npm package (npm install ccxt): ${why}`), { fatal: true });
    }
    return { name: 'ccxt-js', client: `ccxt ${ccxt.version} on node ${process.version}`, protocol: PROTOCOL };
  }
  if (msg.op === 'open') { sessions.set(msg.session, await OPS.open(null, msg.args)); return null; }
  if (msg.op === 'close') { sessions.delete(msg.session); return null; }
  const s = sessions.get(msg.session);
  if (!s) throw new Error(`no open session ${msg.session}`);
  const op = OPS[msg.op];
  if (!op) throw Object.assign(new Error(msg.op), { unsupported: true });
  return op(s, msg.args || {});
}

function reply(msg, body) {
  const s = sessions.get(msg.session);
  const log = s && s.log && s.log.length ? { log: s.log.splice(0) } : {}; // lines logged since the last answer
  process.stdout.write(JSON.stringify({ v: PROTOCOL, id: msg.id, ...body, ...log }) + '\n');
}

let queue = Promise.resolve(); // one request at a time, in order
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    const msg = JSON.parse(line);
    try {
      reply(msg, { ok: true, result: (await handle(msg)) ?? null });
    } catch (e) {
      const cat = e.unsupported ? 'unsupported' : e.fatal ? null : category(e);
      reply(msg, { ok: false, error: { category: cat, type: (e && e.constructor && e.constructor.name) || 'Error',
                                       message: String((e && e.message) || e) } });
    }
  });
});
