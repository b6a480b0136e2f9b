/**
 * The development identity provider, mounted at /api/dev-idp only while DEV_IDP is "on"
 * outside production (404 otherwise), answering like a real OpenID Provider: a discovery
 * document, a JWKS, an authorization endpoint (a sign-in page to pick a test viewer or
 * operator) that answers the code flow with PKCE (`?code=…&state=…&iss=…`) or the implicit
 * flow (`#state=…&iss=…&id_token=…`), a token endpoint for codes, a token endpoint for
 * tests and scripts, and a stand-in for Turnstile's siteverify. Viewer tokens are OpenID
 * Connect ID tokens for OIDC_ISSUER/OIDC_AUDIENCE (with `jti` and the sign-in's `nonce`);
 * operator tokens stand in for Cloudflare Access (ACCESS_ISSUER/ACCESS_AUDIENCE), set as the
 * `CF_Authorization` cookie Access itself sets. The worker verifies both exactly as it
 * verifies a real provider's (src/auth/jwt-verify.ts).
 */
import { Hono, type Context } from "hono";
import { setCookie } from "hono/cookie";
import { z } from "zod";
import { devIdpEnabled } from "../config";
import { AUTHORIZATION_PARAMS, authorizationRequest, issueCode, redeemCode, redirectWith } from "../auth/dev-authorization";
import { DEV_TOKEN_TTL_S, devJwks, signDevToken } from "../auth/dev-keys";
import { ACCESS_COOKIE, operatorIssuer, viewerIssuer } from "../auth/issuers";
import { badRequest, notFound, onError } from "../errors";
import { parseBody } from "../schemas";

export const DEV_IDP_PATH = "/api/dev-idp";
/** The Turnstile token the stand-in accepts. */
export const DEV_TURNSTILE_PASS = "dev-turnstile-pass";

const VIEWERS = [
  { sub: "alice", name: "Alice" },
  { sub: "bob", name: "Bob" },
  { sub: "carol", name: "Carol" },
];
const OPERATORS = [{ sub: "ops-ada", email: "ada@ops.example" }];

const tokenRequest = z
  .object({
    sub: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/),
    name: z.string().max(64).optional(),
    nonce: z.string().max(512).optional(),
    as: z.enum(["viewer", "operator"]).default("viewer"),
  })
  .strict();

async function devToken(env: Env, sub: string, name: string | undefined, as: "viewer" | "operator", nonce?: string): Promise<string> {
  const trusted = as === "viewer" ? viewerIssuer(env) : operatorIssuer(env);
  if (!trusted) throw badRequest(`no ${as} issuer is configured`);
  const extra = as === "viewer" ? { name, ...(nonce ? { nonce } : {}) } : { email: name ?? `${sub}@ops.example` };
  return signDevToken({ iss: trusted.issuer, aud: trusted.audience, sub, ...extra });
}

/** A form body (urlencoded or multipart); a malformed one is a 400, never a 500. */
async function formOf(c: Context): Promise<Record<string, unknown>> {
  try {
    return await c.req.parseBody();
  } catch {
    throw badRequest("the form body cannot be read", "invalid_request");
  }
}

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function signInPage(carried: [string, string][]): string {
  const hidden = carried.map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join("");
  const button = (as: string, sub: string, label: string) =>
    `<form method="post" action="${DEV_IDP_PATH}/sign-in"><input type="hidden" name="as" value="${as}"><input type="hidden" name="sub" value="${escape(sub)}">${hidden}<button>${escape(label)}</button></form>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Development sign-in</title></head><body>
<h1>Development identity provider</h1><p>For local development only: pick who you are.</p>
<h2>Viewers</h2>${VIEWERS.map((v) => button("viewer", v.sub, `Sign in as ${v.name}`)).join("")}
<h2>Operators (stands in for Cloudflare Access)</h2>${OPERATORS.map((o) => button("operator", o.sub, `Sign in to the console as ${o.email}`)).join("")}
</body></html>`;
}

const viewerTrust = (env: Env) => {
  const trusted = viewerIssuer(env);
  if (!trusted) throw badRequest("no viewer issuer is configured");
  return trusted;
};

export const devIdpRoutes = new Hono<{ Bindings: Env }>()
  .use("*", async (c, next) => {
    if (!devIdpEnabled(c.env)) throw notFound("no such route");
    await next();
  })
  .get("/.well-known/openid-configuration", (c) => {
    const { issuer } = viewerTrust(c.env);
    return c.json({
      issuer,
      authorization_endpoint: `${issuer}/sign-in`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ["code", "id_token"],
      response_modes_supported: ["query", "fragment"],
      grant_types_supported: ["authorization_code", "implicit"],
      code_challenge_methods_supported: ["S256"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256"],
      token_endpoint_auth_methods_supported: ["none"],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: ["openid", "profile"],
    });
  })
  .get("/jwks", async (c) => c.json(await devJwks()))
  .get("/sign-in", (c) => {
    const origin = new URL(c.req.url).origin;
    authorizationRequest((name) => c.req.query(name), origin, viewerTrust(c.env).audience);
    const carried = AUTHORIZATION_PARAMS.flatMap((name): [string, string][] => {
      const value = c.req.query(name);
      return value === undefined ? [] : [[name, value]];
    });
    return c.html(signInPage(carried));
  })
  .post("/sign-in", async (c) => {
    const form = await formOf(c);
    const as = form.as === "operator" ? "operator" : "viewer";
    const person = [...VIEWERS, ...OPERATORS.map((o) => ({ sub: o.sub, name: o.email }))].find((p) => p.sub === form.sub);
    if (!person) throw badRequest("pick one of the listed test users");
    if (as === "operator") {
      setCookie(c, ACCESS_COOKIE, await devToken(c.env, person.sub, person.name, as), {
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
        maxAge: DEV_TOKEN_TTL_S,
      });
      return c.redirect("/admin", 303);
    }
    const trusted = viewerTrust(c.env);
    const field = (name: string) => (typeof form[name] === "string" ? form[name] : undefined);
    const request = authorizationRequest(field, new URL(c.req.url).origin, trusted.audience);
    const answer =
      request.responseType === "code"
        ? { code: issueCode(request, person, Date.now()) }
        : { id_token: await devToken(c.env, person.sub, person.name, "viewer", request.nonce) };
    return c.redirect(redirectWith(request, trusted.issuer, answer), 303);
  })
  .post("/oauth/token", async (c) => {
    const grant = await redeemCode(await formOf(c), Date.now());
    const idToken = await devToken(c.env, grant.sub, grant.name, "viewer", grant.nonce);
    c.header("Cache-Control", "no-store");
    return c.json({
      access_token: crypto.randomUUID(),
      token_type: "Bearer",
      expires_in: DEV_TOKEN_TTL_S,
      scope: "openid",
      id_token: idToken,
    });
  })
  .post("/token", async (c) => {
    const { sub, name, as, nonce } = await parseBody(c, tokenRequest);
    return c.json({ idToken: await devToken(c.env, sub, name, as, nonce) });
  })
  .post("/turnstile/siteverify", async (c) => {
    const form = await formOf(c);
    return c.json({ success: Boolean(form.secret) && form.response === DEV_TURNSTILE_PASS });
  })
  // Also when answered in-process (src/auth/dev-fetch.ts), outside the app's own error mapping.
  .onError(onError);
