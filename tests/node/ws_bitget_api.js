// Drives the npm package bitget-api's WebsocketClientV2, unmodified, against the mock (tests/test_ws_node.py).
// argv: <ws base url> <apiKey> <secret> <passphrase>. Prints one JSON line per event it sees; the test
// places an order over REST after "orders-subscribed" and waits for the "orders" line.
const { WebsocketClientV2 } = require('bitget-api');

const [base, apiKey, apiSecret, apiPass] = process.argv.slice(2);
const say = (what, data) => process.stdout.write(JSON.stringify({ what, data }) + '\n');
const quiet = { trace: () => {}, info: () => {}, error: (...a) => say('log-error', a.map(String)) };

const pub = new WebsocketClientV2({ wsUrl: `${base}/v2/ws/public` }, quiet);
pub.on('update', (event) => {
  if (event.arg && event.arg.channel === 'ticker') say('ticker', event);
});
pub.on('exception', (event) => say('exception', event));
pub.subscribeTopic('SPOT', 'ticker', 'BTCUSDT');

const priv = new WebsocketClientV2({ apiKey, apiSecret, apiPass, wsUrl: `${base}/v2/ws/private` }, quiet);
priv.on('authenticated', () => say('authenticated', null));
priv.on('response', (event) => {
  if (event.event === 'subscribe' && event.arg && event.arg.channel === 'orders') say('orders-subscribed', event);
});
priv.on('update', (event) => {
  if (event.arg && event.arg.channel === 'orders') say('orders', event);
});
priv.on('exception', (event) => say('exception', event));
priv.subscribeTopic('SPOT', 'orders');

setTimeout(() => { say('timeout', null); process.exit(3); }, 20000);
process.stdin.on('data', () => process.exit(0));
