// Stands in for Slack where nixdeck posts to it (a command's response_url, an incoming
// webhook: any path here), and for any webhook receiver: records each post with its
// signature and event headers, answers as Slack does (200 "ok"), or fails the next N posts
// with 500 when told to. Started as
//   node testkit/counterparts/slack-standin.mjs --port 0
// it prints `listening http://127.0.0.1:PORT` once ready; SIGTERM stops it.
//   GET  /_standin/posts     every post so far: { path, content_type, signature, event, raw, body }
//   PUT  /_standin/failures  { "posts": N }: the next N posts answer 500
import { createServer } from 'node:http';

const state = { posts: [], fail: 0 };

function portFromArgs(argv) {
  const index = argv.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  const value = index < 0 ? '0' : argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write('usage: slack-standin.mjs [--port PORT]\n');
    process.exit(2);
  }
  return port;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const text = await readBody(req);
  if (url.pathname === '/_standin/posts' && req.method === 'GET') {
    return send(res, 200, JSON.stringify(state.posts), 'application/json');
  }
  if (url.pathname === '/_standin/failures' && req.method === 'PUT') {
    state.fail = Number(JSON.parse(text || '{}').posts ?? 0);
    return send(res, 204, '');
  }
  if (req.method !== 'POST') return send(res, 405, 'method_not_allowed');
  if (state.fail > 0) {
    state.fail -= 1;
    return send(res, 500, 'internal_error');
  }
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    return send(res, 400, 'invalid_payload');
  }
  state.posts.push({
    path: url.pathname,
    content_type: req.headers['content-type'] ?? null,
    signature: req.headers['x-nixdeck-signature'] ?? null,
    event: req.headers['x-nixdeck-event'] ?? null,
    delivery: req.headers['x-nixdeck-delivery'] ?? null,
    raw: text,
    body,
  });
  return send(res, 200, 'ok');
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    process.stderr.write(`slack-standin: ${error.stack ?? error}\n`);
    if (!res.headersSent) send(res, 500, 'internal_error');
  });
});
server.listen(portFromArgs(process.argv.slice(2)), '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
