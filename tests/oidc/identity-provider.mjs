// A real OpenID Connect provider (panva's certified oidc-provider) on loopback, shaped like
// Microsoft Entra ID so Flowbench signs in against it exactly as against login.microsoftonline.com:
//   authority  http://127.0.0.1:<port>/<tenant>
//   endpoints  <authority>/oauth2/v2.0/{authorize,token,devicecode}, issuer <authority>/v2.0
// Access tokens are RS256 JWTs for the resource named in Entra-style scopes
// (`<environment URL>/user_impersonation` or `/.default`), carrying Entra's oid, tid, name and upn.
// Sign-in uses a real login form that checks passwords and a consent page that can be denied.
import http from "node:http";
import crypto from "node:crypto";
import Provider from "oidc-provider";

export const TENANT = "7e000000-0000-4000-8000-000000000001";
export const PUBLIC_CLIENT_ID = "51f81489-12ee-4a9e-aaae-a2591f45987d";
export const APP_CLIENT_ID = "a0000000-0000-4000-8000-00000000a9b1";

/** The sandbox's personas as Entra users (object ids match the built-in scenario). */
export const USERS = {
  "admin@flowbench.test": { oid: "0d000000-0000-4000-8000-000000000001", name: "Ada Admin", password: "admin-pass" },
  "sam@flowbench.test": { oid: "0d000000-0000-4000-8000-000000000002", name: "Sam Seller", password: "sam-pass" },
  "nora@flowbench.test": { oid: "0d000000-0000-4000-8000-000000000003", name: "Nora Tasks", password: "nora-pass" },
};
/** The application user: its service principal is the sandbox's svc persona. */
const APP_PRINCIPAL_OID = "0d000000-0000-4000-8000-000000000005";

const page = (title, body) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

function entraScopeResource(scope) {
  for (const item of String(scope ?? "").split(" ")) {
    const match = /^(https?:\/\/[^/]+)\/(user_impersonation|\.default)$/.exec(item);
    if (match) return match[1];
  }
  return undefined;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

/**
 * Starts the provider. Options: `port` (0 = any), `accessTokenTtl` seconds, `appSecret`.
 * Returns { authority, issuer, appClientId, appSecret, revokeAll(), close() }.
 */
export async function startIdentityProvider({ port = 0, accessTokenTtl = 3600, appSecret = crypto.randomBytes(24).toString("hex") } = {}) {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const authority = `${origin}/${TENANT}`;
  const issuer = `${authority}/v2.0`;
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: "jwk" }), kid: crypto.randomUUID(), use: "sig", alg: "RS256" };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: PUBLIC_CLIENT_ID,
        application_type: "native",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
        response_types: ["code"],
        redirect_uris: ["http://localhost"],
      },
      {
        client_id: APP_CLIENT_ID,
        client_secret: appSecret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [signingKey] },
    routes: {
      authorization: "/oauth2/v2.0/authorize",
      token: "/oauth2/v2.0/token",
      device_authorization: "/oauth2/v2.0/devicecode",
      code_verification: "/oauth2/deviceauth",
      jwks: "/discovery/v2.0/keys",
      revocation: "/oauth2/v2.0/revoke",
      end_session: "/oauth2/v2.0/logout",
      userinfo: "/oidc/userinfo",
    },
    pkce: { required: () => true },
    scopes: ["openid", "profile", "offline_access"],
    claims: { openid: ["sub"], profile: ["name", "preferred_username", "oid", "tid"] },
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Entra names the resource inside the scope; so does Flowbench.
        defaultResource: (ctx, client, oneOf) => oneOf ?? entraScopeResource(ctx.oidc.params.scope),
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => {
          if (!/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(resource)) throw new Provider.errors.InvalidTarget();
          return {
            scope: `${resource}/user_impersonation ${resource}/.default`,
            audience: resource,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    // Entra hands out refresh tokens to native clients without `prompt=consent`.
    issueRefreshToken: (ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      RefreshToken: 24 * 3600,
      DeviceCode: 600,
      IdToken: 3600,
      Interaction: 600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    extraTokenClaims: (ctx, token) => {
      if (token.kind === "ClientCredentials") return { oid: APP_PRINCIPAL_OID, tid: TENANT, azp: token.clientId, ver: "2.0", idtyp: "app" };
      const entry = Object.entries(USERS).find(([, u]) => u.oid === token.accountId);
      if (!entry) return undefined;
      return { oid: entry[1].oid, tid: TENANT, name: entry[1].name, upn: entry[0], azp: token.clientId, ver: "2.0" };
    },
    findAccount: (ctx, id) => {
      const entry = Object.entries(USERS).find(([, u]) => u.oid === id);
      if (!entry) return undefined;
      const [upn, user] = entry;
      return {
        accountId: id,
        claims: () => ({ sub: id, oid: id, tid: TENANT, name: user.name, preferred_username: upn }),
      };
    },
    interactions: { url: (ctx, interaction) => `/${TENANT}/interaction/${interaction.uid}` },
    cookies: { keys: [crypto.randomBytes(16).toString("hex")] },
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = page("Sign-in error", `<p id="error">${out.error}: ${out.error_description ?? ""}</p>`);
    },
  });
  provider.proxy = false;
  const callback = provider.callback();

  async function interaction(req, res) {
    const details = await provider.interactionDetails(req, res);
    const { uid, prompt, params } = details;
    if (req.method === "GET") {
      res.setHeader("content-type", "text/html");
      if (prompt.name === "login") {
        res.end(
          page(
            "Sign in",
            `<form method="post" action="/${TENANT}/interaction/${uid}"><input name="login"><input name="password" type="password"><button>Sign in</button></form>`,
          ),
        );
      } else {
        res.end(
          page(
            "Permissions requested",
            `<p>${params.client_id} asks for: ${params.scope}</p><form method="post" action="/${TENANT}/interaction/${uid}"><button name="decision" value="accept">Accept</button><button name="decision" value="deny">Cancel</button></form>`,
          ),
        );
      }
      return;
    }
    const form = await readForm(req);
    if (prompt.name === "login") {
      const user = USERS[String(form.login ?? "").toLowerCase()];
      if (!user || user.password !== form.password) {
        res.statusCode = 200;
        res.setHeader("content-type", "text/html");
        res.end(page("Sign in", `<p id="error">AADSTS50126: Error validating credentials due to invalid username or password.</p>`));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.oid } }, { mergeWithLastSubmission: false });
      return;
    }
    if (form.decision !== "accept") {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "AADSTS65004: User declined to consent to access the app." },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(" "));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on("request", (req, res) => {
    const url = req.url ?? "/";
    // Entra publishes discovery under the v2.0 issuer path.
    if (url.startsWith(`/${TENANT}/v2.0/.well-known/`)) req.url = url.replace(`/${TENANT}/v2.0`, `/${TENANT}`);
    if (!req.url.startsWith(`/${TENANT}/`)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    if (req.url.startsWith(`/${TENANT}/interaction/`)) {
      interaction(req, res).catch((error) => {
        res.statusCode = 400;
        res.setHeader("content-type", "text/html");
        res.end(page("Sign-in error", `<p id="error">${error.name}: ${error.message}</p>`));
      });
      return;
    }
    req.originalUrl = req.url;
    req.url = req.url.slice(TENANT.length + 1);
    callback(req, res);
  });

  return {
    authority,
    issuer,
    appClientId: APP_CLIENT_ID,
    appSecret,
    provider,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// `node tests/oidc/identity-provider.mjs [port]`: serve until killed, printing the authority.
if (import.meta.url === `file://${process.argv[1]}`) {
  const idp = await startIdentityProvider({ port: Number(process.argv[2] ?? 0) });
  console.log(JSON.stringify({ authority: idp.authority, issuer: idp.issuer, appClientId: idp.appClientId, appSecret: idp.appSecret }));
}
