// A stand-in for GitHub, for tests: the OAuth web flow (github.com/login/oauth/...) and
// the few REST API endpoints nixdeck's sign-in relies on (/user, organisation and team
// membership). It is a test counterpart, not a mock of nixdeck's own expectations: every
// request and response follows the shapes GitHub documents, quirks included (token
// errors sent as HTTP 200, form-encoded token responses unless JSON is asked for, the 302
// to public_members for a requester outside the organisation), so that tests exercise the
// same client code paths the real service would.
//
// Start:  node testkit/counterparts/github-standin.mjs --port 0 --config users.json
// It binds 127.0.0.1 only and prints one line, `listening http://127.0.0.1:PORT`.
//
// Only Node's standard library is used, so tests need nothing installed to run it.

import { createServer } from 'node:http';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { URL, URLSearchParams } from 'node:url';

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;
const TOKEN_ERROR_URI =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
const REST_DOCS = 'https://docs.github.com/rest';
const MEMBERS_DOCS = 'https://docs.github.com/rest/orgs/members#check-organization-membership-for-a-user';
const TEAM_MEMBERS_DOCS = 'https://docs.github.com/rest/teams/members#get-team-membership-for-a-user';
const ENTERPRISE_API_PREFIX = '/api/v3';

// ---------------------------------------------------------------------------------------
// Command line and configuration

function parseArguments(argv) {
  const options = { port: 0, config: null };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inlineValue] = argv[i].split(/=(.*)/s, 2);
    const value = inlineValue ?? argv[++i];
    if (flag === '--port') options.port = Number(value);
    else if (flag === '--config') options.config = value;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error('--port must be a port number (0 picks a free one)');
  }
  if (!options.config) throw new Error('--config FILE.json is required');
  return options;
}

function loadConfig(file) {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof raw.client_id !== 'string' || typeof raw.client_secret !== 'string') {
    throw new Error('config needs client_id and client_secret strings');
  }
  if (raw.redirect_prefix != null && typeof raw.redirect_prefix !== 'string') {
    throw new Error('config redirect_prefix must be a string when given');
  }
  return {
    clientId: raw.client_id,
    clientSecret: raw.client_secret,
    redirectPrefix: raw.redirect_prefix ?? null,
    users: normaliseUsers(raw.users ?? []),
    // A personal access token that may post deployment statuses (nixdeck's deploy token).
    deployToken: typeof raw.deploy_token === 'string' ? raw.deploy_token : null,
  };
}

// Team entries come in two spellings; turning them into one shape here keeps the
// membership checks free of special cases.
function normaliseTeam(entry) {
  if (typeof entry === 'string') return { slug: entry, state: 'active' };
  if (entry && typeof entry.slug === 'string') {
    const state = entry.state ?? 'active';
    if (state !== 'active' && state !== 'pending') {
      throw new Error(`team ${entry.slug}: state must be "active" or "pending"`);
    }
    return { slug: entry.slug, state };
  }
  throw new Error('a team is a slug string or {"slug", "state"}');
}

function normaliseUser(user) {
  if (!user || typeof user.login !== 'string' || !Number.isInteger(user.id)) {
    throw new Error('each user needs a string login and an integer id');
  }
  const orgs = {};
  for (const [org, membership] of Object.entries(user.orgs ?? {})) {
    orgs[org] = { teams: (membership?.teams ?? []).map(normaliseTeam) };
  }
  return { login: user.login, id: user.id, name: user.name ?? null, orgs };
}

function normaliseUsers(users) {
  if (!Array.isArray(users)) throw new Error('users must be an array');
  return users.map(normaliseUser);
}

// ---------------------------------------------------------------------------------------
// State shared by all requests

const state = {
  config: null,
  codes: new Map(), // code -> { clientId, redirectUri, login, codeChallenge, expiresAt, used }
  tokens: new Map(), // token -> login
  requests: [],
  // Deployment statuses posted, in the order they arrived.
  statuses: [],
  // How many of the next status posts fail with 502 (PUT /_standin/failures).
  failStatuses: 0,
};

// GitHub treats logins, organisation names and team slugs case-insensitively.
function sameName(a, b) {
  return a.toLowerCase() === b.toLowerCase();
}

function findUser(login) {
  return state.config.users.find((user) => sameName(user.login, login)) ?? null;
}

function orgMembership(user, org) {
  if (!user) return null;
  const key = Object.keys(user.orgs).find((name) => sameName(name, org));
  return key === undefined ? null : user.orgs[key];
}

function teamMembership(user, org, slug) {
  return orgMembership(user, org)?.teams.find((team) => sameName(team.slug, slug)) ?? null;
}

function randomHex(characters) {
  return randomBytes(Math.ceil(characters / 2)).toString('hex').slice(0, characters);
}

function newAccessToken() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let suffix = '';
  for (let i = 0; i < 36; i += 1) suffix += alphabet[randomInt(alphabet.length)];
  return `gho_${suffix}`;
}

// ---------------------------------------------------------------------------------------
// Reading requests

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// GitHub's token endpoint takes form bodies by default and JSON when labelled so; any
// unlabelled body is therefore read as a form.
function parseBody(text, contentType) {
  if (text.length === 0) return null;
  if ((contentType ?? '').toLowerCase().includes('application/json')) {
    try {
      const value = JSON.parse(text);
      return value !== null && typeof value === 'object' ? value : null;
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function recordRequest(req, url, body) {
  state.requests.push({
    method: req.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: {
      accept: req.headers.accept ?? null,
      authorization: req.headers.authorization ?? null,
      'user-agent': req.headers['user-agent'] ?? null,
      'content-type': req.headers['content-type'] ?? null,
      'x-github-api-version': req.headers['x-github-api-version'] ?? null,
    },
    body,
  });
}

// RFC 6749 has clients form-encode the id and secret before Base64, so undo that too.
function basicCredentials(header) {
  const match = /^basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const formDecode = (part) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  };
  return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

function bearerToken(header) {
  const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}

// ---------------------------------------------------------------------------------------
// Writing responses

function send(res, status, headers, body = '') {
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(res, status, value, extraHeaders = {}) {
  send(res, status, { 'content-type': 'application/json; charset=utf-8', ...extraHeaders }, JSON.stringify(value));
}

function sendEmpty(res, status, extraHeaders = {}) {
  send(res, status, { 'content-length': '0', ...extraHeaders });
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlPage(title, bodyHtml) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main>
${bodyHtml}
</main>
</body>
</html>
`;
}

function sendHtml(res, status, title, bodyHtml) {
  send(res, status, { 'content-type': 'text/html; charset=utf-8' }, htmlPage(title, bodyHtml));
}

function sendErrorPage(res, status, message) {
  sendHtml(res, status, message, `<h1>${escapeHtml(message)}</h1>`);
}

// Appends to whatever query the client's callback already carries, as GitHub does. The
// existing query is kept byte for byte (re-serialising it would re-encode it), and any
// fragment stays last.
function withQueryAppended(uri, params) {
  const hash = uri.indexOf('#');
  const [base, fragment] = hash < 0 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash)];
  const present = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  const added = new URLSearchParams(present).toString();
  if (!added) return uri;
  const joiner = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&';
  return `${base}${joiner}${added}${fragment}`;
}

function redirectTo(res, redirectUri, params) {
  sendEmpty(res, 302, { location: withQueryAppended(redirectUri, params) });
}

// ---------------------------------------------------------------------------------------
// OAuth web flow: the authorisation page

function parseRedirectUri(text) {
  if (typeof text !== 'string' || text.length === 0) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

// Shared by the page and its form submission, because a test may post a tampered form
// and should meet the same checks GitHub would apply.
function vetAuthorizeParams(params) {
  if (params.client_id !== state.config.clientId) {
    return { page: [404, `No OAuth application with client_id ${params.client_id ?? ''} exists`] };
  }
  if (!parseRedirectUri(params.redirect_uri)) {
    return { page: [400, 'The redirect_uri is missing or is not a valid URL'] };
  }
  const prefix = state.config.redirectPrefix;
  if (prefix !== null && !params.redirect_uri.startsWith(prefix)) {
    return {
      bounce: {
        error: 'redirect_uri_mismatch',
        error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
      },
    };
  }
  if (params.code_challenge && params.code_challenge_method !== 'S256') {
    return {
      bounce: {
        error: 'invalid_request',
        error_description: 'The code_challenge_method must be S256.',
      },
    };
  }
  return {};
}

// Returns true when the request was refused and the response already written.
function refuseBadAuthorizeParams(res, params) {
  const verdict = vetAuthorizeParams(params);
  if (verdict.page) {
    sendErrorPage(res, ...verdict.page);
    return true;
  }
  if (verdict.bounce) {
    redirectTo(res, params.redirect_uri, { ...verdict.bounce, state: params.state });
    return true;
  }
  return false;
}

// The buttons carry their own name/value, so the request's own fields of that name must
// not be echoed back alongside them.
function hiddenInputs(params) {
  return Object.entries(params)
    .filter(([key]) => key !== 'login' && key !== 'deny')
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join('\n');
}

function signInForm(hidden, login) {
  return `<li>
<form method="post" action="/login/oauth/authorize">
${hidden}
<button type="submit" name="login" value="${escapeHtml(login)}">Sign in as ${escapeHtml(login)}</button>
</form>
</li>`;
}

function authorizePage(params) {
  const hidden = hiddenInputs(params);
  const forms = state.config.users.map((user) => signInForm(hidden, user.login)).join('\n');
  const title = `Authorize ${params.client_id}`;
  return [
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>Choose the account to sign in with.</p>
<ul>
${forms}
</ul>
<form method="post" action="/login/oauth/authorize">
${hidden}
<button type="submit" name="deny" value="1">Cancel</button>
</form>`,
  ];
}

function showAuthorizePage(res, url) {
  const params = Object.fromEntries(url.searchParams);
  if (refuseBadAuthorizeParams(res, params)) return;
  sendHtml(res, 200, ...authorizePage(params));
}

function issueCode(params, user) {
  const code = randomHex(20);
  state.codes.set(code, {
    clientId: params.client_id,
    redirectUri: params.redirect_uri,
    login: user.login,
    codeChallenge: params.code_challenge || null,
    expiresAt: Date.now() + CODE_LIFETIME_MS,
    used: false,
  });
  return code;
}

function submitAuthorizeForm(res, body) {
  const params = body ?? {};
  if (refuseBadAuthorizeParams(res, params)) return;
  if (params.deny === '1') {
    redirectTo(res, params.redirect_uri, {
      error: 'access_denied',
      error_description: 'The user has denied your application access.',
      state: params.state,
    });
    return;
  }
  const user = typeof params.login === 'string' ? findUser(params.login) : null;
  if (!user) {
    sendErrorPage(res, 400, `No such user: ${params.login ?? ''}`);
    return;
  }
  redirectTo(res, params.redirect_uri, { code: issueCode(params, user), state: params.state });
}

// ---------------------------------------------------------------------------------------
// OAuth web flow: exchanging a code for a token

function tokenError(error, description) {
  return { error, error_description: description, error_uri: TOKEN_ERROR_URI };
}

function pkceChallengeOf(verifier) {
  return createHash('sha256').update(verifier).digest('base64url');
}

// Works out the token endpoint's answer; every failure is a value, never a throw, because
// GitHub reports all of them the same way (HTTP 200 with an `error` field).
function exchangeCode(params, authorizationHeader) {
  const basic = basicCredentials(authorizationHeader);
  const clientId = basic?.clientId ?? params.client_id;
  const clientSecret = basic?.clientSecret ?? params.client_secret;
  if (clientId !== state.config.clientId || clientSecret !== state.config.clientSecret) {
    return tokenError('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
  }
  const grant = typeof params.code === 'string' ? state.codes.get(params.code) : undefined;
  if (!grant || grant.used || grant.expiresAt < Date.now() || grant.clientId !== clientId) {
    return tokenError('bad_verification_code', 'The code passed is incorrect or expired.');
  }
  if (params.redirect_uri && params.redirect_uri !== grant.redirectUri) {
    return tokenError('redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.');
  }
  if (grant.codeChallenge) {
    // A failed verifier burns the code, so a guessed verifier cannot be retried.
    grant.used = true;
    const verifier = params.code_verifier;
    if (typeof verifier !== 'string' || pkceChallengeOf(verifier) !== grant.codeChallenge) {
      return tokenError('bad_verification_code', 'The code_verifier does not match the code_challenge.');
    }
  }
  grant.used = true;
  const token = newAccessToken();
  state.tokens.set(token, grant.login);
  return { access_token: token, token_type: 'bearer', scope: 'read:org' };
}

// GitHub answers in form encoding unless the client's Accept asks for JSON.
function sendTokenResponse(res, acceptHeader, fields) {
  const headers = { 'cache-control': 'no-store' };
  if ((acceptHeader ?? '').toLowerCase().includes('application/json')) {
    sendJson(res, 200, fields, headers);
    return;
  }
  const ordered = Object.keys(fields).sort().map((key) => [key, fields[key]]);
  send(
    res,
    200,
    { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    new URLSearchParams(ordered).toString(),
  );
}

function handleAccessToken(req, res, url, body) {
  // Parameters in the query string are accepted as well, as GitHub does.
  const params = { ...Object.fromEntries(url.searchParams), ...(body ?? {}) };
  sendTokenResponse(res, req.headers.accept, exchangeCode(params, req.headers.authorization));
}

function handleOAuth(req, res, url, body) {
  if (url.pathname === '/login/oauth/authorize' && req.method === 'GET') return showAuthorizePage(res, url);
  if (url.pathname === '/login/oauth/authorize' && req.method === 'POST') return submitAuthorizeForm(res, body);
  if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') return handleAccessToken(req, res, url, body);
  return sendErrorPage(res, 404, 'Not Found');
}

// ---------------------------------------------------------------------------------------
// REST API

function notFound(documentationUrl = REST_DOCS, message = 'Not Found') {
  return [404, { message, documentation_url: documentationUrl, status: '404' }];
}

function apiBase(req, prefix) {
  return `http://${req.headers.host ?? '127.0.0.1'}${prefix}`;
}

function decodeSegments(pathname) {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return null;
  }
}

// node_id mimics GitHub's legacy global ids ("04:User<id>" in Base64).
function userBody(user) {
  return {
    login: user.login,
    id: user.id,
    node_id: Buffer.from(`04:User${user.id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    html_url: `https://github.com/${user.login}`,
    name: user.name,
    type: 'User',
    site_admin: false,
  };
}

function getAuthenticatedUser(requester) {
  // A token whose user has since been removed is as good as revoked.
  if (!requester) return [401, { message: 'Bad credentials', documentation_url: REST_DOCS, status: '401' }];
  return [200, userBody(requester)];
}

function checkOrgMembership(requester, org, username, base) {
  if (!orgMembership(requester, org)) {
    // GitHub's documented answer to an outsider: go and ask the public list instead.
    return [302, null, { location: `${base}/orgs/${encodeURIComponent(org)}/public_members/${encodeURIComponent(username)}` }];
  }
  if (orgMembership(findUser(username), org)) return [204, null];
  return notFound(MEMBERS_DOCS, 'User does not exist or is not a member of the organization');
}

function checkTeamMembership(requester, org, slug, username, base) {
  const team = orgMembership(requester, org) ? teamMembership(findUser(username), org, slug) : null;
  if (!team) return notFound(TEAM_MEMBERS_DOCS);
  const path = `/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(slug)}/memberships/${encodeURIComponent(username)}`;
  return [200, { url: `${base}${path}`, role: 'member', state: team.state }];
}

// Matches a path to its endpoint. `needsAuth` is false only where GitHub answers anonymous
// callers too.
function routeApi(method, segments) {
  const [repos, owner, repo, deployments, id, statuses] = segments;
  if (
    method === 'POST' &&
    segments.length === 6 &&
    repos === 'repos' &&
    deployments === 'deployments' &&
    statuses === 'statuses'
  ) {
    return { needsAuth: true, answer: (ctx) => postDeploymentStatus(ctx, `${owner}/${repo}`, id) };
  }
  if (method !== 'GET') return null;
  const [first, org, kind, a, b, c] = segments;
  if (segments.length === 1 && first === 'user') {
    return { needsAuth: true, answer: (ctx) => getAuthenticatedUser(ctx.requester) };
  }
  if (first !== 'orgs') return null;
  if (segments.length === 4 && kind === 'members') {
    return { needsAuth: true, answer: (ctx) => checkOrgMembership(ctx.requester, org, a, ctx.base) };
  }
  if (segments.length === 4 && kind === 'public_members') {
    return { needsAuth: false, answer: () => notFound(MEMBERS_DOCS, 'User does not exist or is not a public member of the organization') };
  }
  if (segments.length === 6 && kind === 'teams' && b === 'memberships') {
    return { needsAuth: true, answer: (ctx) => checkTeamMembership(ctx.requester, org, a, c, ctx.base) };
  }
  return null;
}

// POST /repos/{owner}/{repo}/deployments/{id}/statuses, as GitHub answers it: 201 with the
// status for the deploy token; recorded, with the headers GitHub's API version needs.
function postDeploymentStatus(ctx, repository, id) {
  if (!ctx.deployToken) return [403, { message: 'Resource not accessible by integration', documentation_url: REST_DOCS }];
  if (state.failStatuses > 0) {
    state.failStatuses -= 1;
    return [502, { message: 'Server Error' }];
  }
  const body = ctx.body ?? {};
  const known = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
  if (!known.includes(body.state)) return [422, { message: 'Validation Failed', documentation_url: REST_DOCS }];
  if (typeof body.description === 'string' && body.description.length > 140) {
    return [422, { message: 'Validation Failed: description is too long (maximum is 140 characters)' }];
  }
  const status = {
    repository,
    deployment_id: Number(id),
    state: body.state,
    description: body.description ?? '',
    log_url: body.log_url ?? null,
    environment_url: body.environment_url ?? null,
    accept: ctx.headers.accept ?? null,
    api_version: ctx.headers['x-github-api-version'] ?? null,
  };
  state.statuses.push(status);
  return [201, { id: state.statuses.length, ...status }];
}

function answerApi(req, url, body) {
  if (!req.headers['user-agent']) {
    return [
      403,
      {
        message:
          'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).',
      },
    ];
  }
  const enterprise = url.pathname === ENTERPRISE_API_PREFIX || url.pathname.startsWith(`${ENTERPRISE_API_PREFIX}/`);
  const prefix = enterprise ? ENTERPRISE_API_PREFIX : '';
  const segments = decodeSegments(url.pathname.slice(prefix.length));

  // A token that is present but unknown is refused everywhere, as on GitHub.
  const hasAuthorization = Boolean(req.headers.authorization);
  const token = bearerToken(req.headers.authorization);
  const deployToken = Boolean(token) && token === state.config.deployToken;
  if (hasAuthorization && !(token && (state.tokens.has(token) || deployToken))) {
    return [401, { message: 'Bad credentials', documentation_url: REST_DOCS, status: '401' }];
  }
  const route = segments && routeApi(req.method, segments);
  if (!route) return notFound();
  if (route.needsAuth && !hasAuthorization) {
    return [401, { message: 'Requires authentication', documentation_url: REST_DOCS, status: '401' }];
  }
  // Looked up afresh on every request so that tests may rewrite users between calls.
  const requester = token && state.tokens.has(token) ? findUser(state.tokens.get(token)) : null;
  return route.answer({ requester, base: apiBase(req, prefix), deployToken, body, headers: req.headers });
}

function handleApi(req, res, url, requestBody) {
  const [status, body, headers = {}] = answerApi(req, url, requestBody);
  if (body === null) sendEmpty(res, status, headers);
  else sendJson(res, status, body, headers);
}

// ---------------------------------------------------------------------------------------
// Control endpoints for tests (not part of GitHub)

function replaceUsers(res, body) {
  try {
    state.config.users = normaliseUsers(body);
  } catch (error) {
    sendJson(res, 400, { message: error.message });
    return;
  }
  sendEmpty(res, 204);
}

function handleControl(req, res, url, body) {
  const route = `${req.method} ${url.pathname}`;
  if (route === 'PUT /_standin/users') return replaceUsers(res, body);
  if (route === 'DELETE /_standin/tokens') {
    state.tokens.clear();
    return sendEmpty(res, 204);
  }
  if (route === 'GET /_standin/requests') return sendJson(res, 200, state.requests);
  if (route === 'GET /_standin/statuses') return sendJson(res, 200, state.statuses);
  if (route === 'PUT /_standin/failures') {
    state.failStatuses = Number(body?.statuses ?? 0);
    return sendEmpty(res, 204);
  }
  if (route === 'DELETE /_standin/requests') {
    state.requests = [];
    return sendEmpty(res, 204);
  }
  return sendJson(res, 404, { message: 'Not Found' });
}

// ---------------------------------------------------------------------------------------
// Server

// Control bodies are always JSON, whatever the test's HTTP client labels them.
function parseControlBody(text) {
  try {
    return text.length === 0 ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

async function handleRequest(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const text = await readBody(req);
  if (url.pathname.startsWith('/_standin/')) return handleControl(req, res, url, parseControlBody(text));
  const body = parseBody(text, req.headers['content-type']);
  recordRequest(req, url, body);
  if (url.pathname.startsWith('/login/oauth/')) return handleOAuth(req, res, url, body);
  return handleApi(req, res, url, body);
}

function serve(port) {
  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error) => {
      process.stderr.write(`github-standin: ${error.stack ?? error}\n`);
      if (!res.headersSent) send(res, error.status ?? 500, { 'content-type': 'text/plain; charset=utf-8' }, `${error.message}\n`);
      else res.destroy();
    });
  });
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
  });
  return server;
}

// Idle keep-alive connections would otherwise hold the process open after close().
function stopOnSignals(server) {
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function main() {
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
    state.config = loadConfig(options.config);
  } catch (error) {
    process.stderr.write(`github-standin: ${error.message}\n`);
    process.stderr.write('usage: node github-standin.mjs --port PORT --config FILE.json\n');
    process.exit(2);
  }
  stopOnSignals(serve(options.port));
}

main();
