// A real OpenID provider for the OAuth tests: npm's oidc-provider (pinned in ../package.json).
//
//   node server.mjs <port> <redirect_uri>...
//
// Serves http://127.0.0.1:<port> with discovery, JWKS, PKCE required (S256), nonce, `iss` in
// every authorization response (RFC 9207), userinfo and the refresh_token grant. The login
// interaction is a one-field form: any login name signs in as that account, "deny" answers
// error=access_denied. Prints one JSON line {"issuer": ...} on stdout once listening.
import Provider from "oidc-provider";

const [port, ...redirectUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const grants = ["authorization_code", "refresh_token"];
const client = (id, method, secret) => ({
  client_id: id,
  ...(secret ? { client_secret: secret } : {}),
  token_endpoint_auth_method: method,
  redirect_uris: redirectUris,
  grant_types: grants,
  response_types: ["code"],
});

const provider = new Provider(issuer, {
  clients: [
    client("test-client", "client_secret_basic", "test-secret"),
    client("post-client", "client_secret_post", "post-secret"),
    client("public-client", "none"),
  ],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
  conformIdTokenClaims: false, // put the profile claims into the id_token, as Google does
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "picture", "preferred_username"],
  },
  // Refresh tokens without offline_access + prompt=consent (NextAuth does not ask for them).
  issueRefreshToken: async (ctx, c) => c.grantTypeAllowed("refresh_token"),
  findAccount: async (ctx, sub) => ({
    accountId: sub,
    claims: async () => ({
      sub,
      email: `${sub}@Example.COM`,
      email_verified: true,
      name: `${sub[0].toUpperCase()}${sub.slice(1)} Liddell`,
      picture: `https://example.com/${sub}.png`,
      preferred_username: sub,
    }),
  }),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AccessToken: 3600, AuthorizationCode: 60, RefreshToken: 86400, Interaction: 600 },
});

async function formBody(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === "GET") {
    ctx.type = "html";
    ctx.body = `<form method="post" action="/interaction/${details.uid}/login">
<input name="login"><button>Sign in</button></form>`;
    return undefined;
  }
  const login = (await formBody(ctx.req)).get("login") || "alice";
  if (login === "deny") {
    const result = { error: "access_denied", error_description: "The user said no." };
    return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  }
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope || "openid"));
  const grantId = await grant.save();
  const result = { login: { accountId: login }, consent: { grantId } };
  return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
});

provider.listen(Number(port), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
