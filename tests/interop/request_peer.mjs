// The real session-cookie code of next-auth 4 (v4) and @auth/core (v5), for
// test_request_interop.py: their encode, SessionStore (chunking, stale-chunk
// deletion), cookie serializers and getToken.
//
// stdin:  {"cases": [{"id", "op", "version", ...params}, ...]}
//   op "mint":      encode `claims` with the package's own encode (v5 salt = cookie name) and
//                   write it through its SessionStore.chunk(); returns {token, setCookies}
//   op "chunk":     SessionStore.chunk(token, {expires}) for given incoming cookies
//   op "clean":     SessionStore.clean() for given incoming cookies
//   op "serialize": the package's serializer with NextAuth's cookie options
//   op "getToken":  the package's getToken() on a Cookie / Authorization header (optional
//                   `cookieName`: the session cookie's name, as Next.js apps pass it)
// stdout: {"<id>": {"ok": true, "value": ...} | {"ok": false, "error": "..."}}
// Expiry times travel as epoch milliseconds.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as v5jwt from "@auth/core/jwt";
import * as v4jwt from "next-auth/jwt";

const require = createRequire(import.meta.url);
const modules = new URL("./node_modules/", import.meta.url);
// Internal modules, loaded by path: the packages' export maps do not list them.
const v4cookie = require(new URL("next-auth/core/lib/cookie.js", modules).pathname);
const v4serializer = require("cookie"); // next-auth 4 depends on cookie 0.7.2
const v5cookie = await import(new URL("@auth/core/lib/utils/cookie.js", modules));
const v5serializer = await import(new URL("@auth/core/lib/vendored/cookie.js", modules));

const logger = { debug() {}, error() {}, warn() {} };
const packages = {
  v4: { jwt: v4jwt, cookie: v4cookie, serialize: v4serializer.serialize, parse: v4serializer.parse },
  v5: { jwt: v5jwt, cookie: v5cookie, serialize: v5serializer.serialize, parse: v5serializer.parse },
};

function store(pkg, version, secure, incoming = {}) {
  const option = pkg.cookie.defaultCookies(secure).sessionToken;
  // v4 takes a request-like {cookies}, v5 the parsed cookies themselves.
  const cookies = version === "v4" ? { cookies: incoming, headers: {} } : incoming;
  return { option, store: new pkg.cookie.SessionStore(option, cookies, logger) };
}

function serializeAll(pkg, cookies) {
  return cookies.map(({ name, value, options }) => pkg.serialize(name, value, options));
}

async function run(c) {
  const pkg = packages[c.version];
  switch (c.op) {
    case "mint": {
      const { option, store: s } = store(pkg, c.version, c.secure, c.incoming);
      const salt = c.version === "v5" ? option.name : undefined;
      const token = await pkg.jwt.encode({ token: c.claims, secret: c.secret, salt, maxAge: c.maxAge });
      const expires = new Date(Date.now() + c.maxAge * 1000);
      return { token, setCookies: serializeAll(pkg, s.chunk(token, { expires })) };
    }
    case "chunk": {
      const { store: s } = store(pkg, c.version, c.secure, c.incoming);
      return serializeAll(pkg, s.chunk(c.token, { expires: new Date(c.expires) }));
    }
    case "clean": {
      const { store: s } = store(pkg, c.version, c.secure, c.incoming);
      return serializeAll(pkg, s.clean());
    }
    case "serialize": {
      const options = { httpOnly: true, sameSite: "lax", path: "/", secure: c.secure };
      if (c.maxAge !== null && c.maxAge !== undefined) options.maxAge = c.maxAge;
      if (c.expires !== null && c.expires !== undefined) options.expires = new Date(c.expires);
      return pkg.serialize(c.name, c.value, options);
    }
    case "getToken": {
      const headers = {};
      if (c.cookie) headers.cookie = c.cookie;
      if (c.authorization) headers.authorization = c.authorization;
      // next-auth 4 reads cookies parsed by Next.js (the cookie package); @auth/core parses
      // the Cookie header of a Request itself.
      const req =
        c.version === "v4"
          ? { cookies: c.cookie ? pkg.parse(c.cookie) : {}, headers }
          : new Request("http://localhost/", { headers });
      const raw = c.raw ?? false;
      // cookieName: a name set by the `cookies` option (getToken's default otherwise).
      const named = c.cookieName ? { cookieName: c.cookieName } : {};
      return await pkg.jwt.getToken({ req, secret: c.secret, secureCookie: c.secure, raw, logger, ...named });
    }
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

const { cases } = JSON.parse(readFileSync(0, "utf8"));
const results = {};
for (const c of cases) {
  try {
    results[c.id] = { ok: true, value: await run(c) };
  } catch (error) {
    results[c.id] = { ok: false, error: String(error?.message ?? error) };
  }
}
process.stdout.write(JSON.stringify(results));
