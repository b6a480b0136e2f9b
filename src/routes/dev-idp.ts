/**
 * The development identity provider, mounted at /api/dev-idp only while DEV_IDP is "on"
 * outside production (404 otherwise): a JWKS, a sign-in page to pick a test viewer or
 * operator, a token endpoint for tests and scripts, and a stand-in for Turnstile's
 * siteverify. Viewer tokens are OpenID Connect ID tokens for OIDC_ISSUER/OIDC_AUDIENCE;
 * operator tokens stand in for Cloudflare Access (ACCESS_ISSUER/ACCESS_AUDIENCE), set as
 * the `CF_Authorization` cookie Access itself sets. The worker verifies both exactly as it
 * verifies a real provider's (src/auth/jwt-verify.ts).
 */
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { z } from "zod";
import { devIdpEnabled } from "../config";
import { DEV_TOKEN_TTL_S, devJwks, signDevToken } from "../auth/dev-keys";
import { ACCESS_COOKIE, operatorIssuer, viewerIssuer } from "../auth/issuers";
import { badRequest, notFound } from "../errors";
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
    as: z.enum(["viewer", "operator"]).default("viewer"),
  })
  .strict();

async function devToken(env: Env, sub: string, name: string | undefined, as: "viewer" | "operator"): Promise<string> {
  const trusted = as === "viewer" ? viewerIssuer(env) : operatorIssuer(env);
  if (!trusted) throw badRequest(`no ${as} issuer is configured`);
  const extra = as === "viewer" ? { name } : { email: name ?? `${sub}@ops.example` };
  return signDevToken({ iss: trusted.issuer, aud: trusted.audience, sub, ...extra });
}

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function signInPage(): string {
  const button = (as: string, sub: string, label: string) =>
    `<form method="post" action="${DEV_IDP_PATH}/sign-in"><input type="hidden" name="as" value="${as}"><input type="hidden" name="sub" value="${escape(sub)}"><button>${escape(label)}</button></form>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Development sign-in</title></head><body>
<h1>Development identity provider</h1><p>For local development only: pick who you are.</p>
<h2>Viewers</h2>${VIEWERS.map((v) => button("viewer", v.sub, `Sign in as ${v.name}`)).join("")}
<h2>Operators (stands in for Cloudflare Access)</h2>${OPERATORS.map((o) => button("operator", o.sub, `Sign in to the console as ${o.email}`)).join("")}
</body></html>`;
}

export const devIdpRoutes = new Hono<{ Bindings: Env }>()
  .use("*", async (c, next) => {
    if (!devIdpEnabled(c.env)) throw notFound("no such route");
    await next();
  })
  .get("/jwks", async (c) => c.json(await devJwks()))
  .get("/sign-in", (c) => c.html(signInPage()))
  .post("/sign-in", async (c) => {
    const form = await c.req.parseBody();
    const as = form.as === "operator" ? "operator" : "viewer";
    const person = [...VIEWERS, ...OPERATORS.map((o) => ({ sub: o.sub, name: o.email }))].find((p) => p.sub === form.sub);
    if (!person) throw badRequest("pick one of the listed test users");
    const token = await devToken(c.env, person.sub, person.name, as);
    if (as === "viewer") return c.redirect(`/#id_token=${token}`, 303);
    setCookie(c, ACCESS_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/", maxAge: DEV_TOKEN_TTL_S });
    return c.redirect("/admin", 303);
  })
  .post("/token", async (c) => {
    const { sub, name, as } = await parseBody(c, tokenRequest);
    return c.json({ idToken: await devToken(c.env, sub, name, as) });
  })
  .post("/turnstile/siteverify", async (c) => {
    const form = await c.req.parseBody();
    return c.json({ success: Boolean(form.secret) && form.response === DEV_TURNSTILE_PASS });
  });
