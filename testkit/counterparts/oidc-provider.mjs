// A real OpenID Connect provider for tests, on 127.0.0.1: the `oauth2-mock-server` package
// (discovery, JWKS, authorization code with PKCE and nonce, RS256-signed ID tokens), plus a
// small control endpoint so a test can choose who signs in next and can make the next ID
// token wrong in one chosen way (issuer, audience, expiry, nonce or signature).
//
//   node testkit/counterparts/oidc-provider.mjs --port 0
//
// prints `listening http://127.0.0.1:PORT` (the issuer URL) once ready; SIGTERM stops it.
//
// Control (not part of OIDC):
//   PUT /_standin/next  {"claims": {...}, "tamper": null | "issuer" | "audience" |
//                        "expired" | "nonce" | "signature"}
//     `claims` are merged into every token issued from then on (sub, name,
//     preferred_username, groups, ...); `tamper` spoils only the next ID token.
import http from "node:http";
import { OAuth2Issuer, OAuth2Service } from "oauth2-mock-server";

function portFromArgs(argv) {
  const index = argv.findIndex((arg) => arg === "--port" || arg.startsWith("--port="));
  if (index === -1) return 0;
  const value = argv[index].includes("=") ? argv[index].split("=")[1] : argv[index + 1];
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`usage: oidc-provider.mjs [--port PORT]\n`);
    process.exit(2);
  }
  return port;
}

let claims = { sub: "johndoe" };
let tamper = null;

/** Spoils an ID token's payload the chosen way, before it is signed. */
function spoilPayload(payload, how) {
  const now = Math.floor(Date.now() / 1000);
  if (how === "issuer") payload.iss = "http://issuer.invalid";
  if (how === "audience") payload.aud = "some-other-client";
  if (how === "expired") {
    payload.iat = now - 7200;
    payload.nbf = now - 7200;
    payload.exp = now - 3600;
  }
  if (how === "nonce") payload.nonce = "not-the-nonce-of-this-sign-in";
}

/** Changes one character of the signature, so it no longer verifies. */
function spoilSignature(jwt) {
  const last = jwt.at(-2) === "A" ? "B" : "A";
  return jwt.slice(0, -2) + last + jwt.at(-1);
}

const issuer = new OAuth2Issuer();
await issuer.keys.generate("RS256");
const service = new OAuth2Service(issuer);

service.on("beforeTokenSigning", (token) => {
  Object.assign(token.payload, claims);
  // Only the ID token carries the client as its audience and a nonce.
  const isIdToken = "nonce" in token.payload || typeof token.payload.aud === "string";
  if (isIdToken && tamper && tamper !== "signature") {
    spoilPayload(token.payload, tamper);
    tamper = null;
  }
});

service.on("beforeResponse", (response) => {
  if (tamper === "signature" && response.body && response.body.id_token) {
    response.body.id_token = spoilSignature(response.body.id_token);
    tamper = null;
  }
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

async function control(req, res) {
  if (req.method !== "PUT" || req.url !== "/_standin/next") {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = JSON.parse(await readBody(req));
    claims = { sub: "johndoe", ...(body.claims ?? {}) };
    tamper = body.tamper ?? null;
    res.writeHead(204).end();
  } catch (error) {
    res.writeHead(400, { "content-type": "text/plain" }).end(String(error));
  }
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith("/_standin/")) {
    control(req, res);
  } else {
    service.requestHandler(req, res);
  }
});

server.listen(portFromArgs(process.argv.slice(2)), "127.0.0.1", () => {
  const { port } = server.address();
  issuer.url = `http://127.0.0.1:${port}`;
  process.stdout.write(`listening ${issuer.url}\n`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
