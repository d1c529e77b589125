// The real NextAuth v4 (next-auth 4.24, from tests/interop/node_modules) serving
// GET /api/auth/session in one Node process: the side-by-side row of bench/load.py.
// Its own core handler (AuthHandler) with the bench site's secret, JWT sessions and a
// credentials provider (never called here); the cookies it re-issues are written as
// next-auth's Next.js adapter writes them.
//
//   node bench/nextauth_server.mjs PORT
import { createServer } from "node:http";
import { createRequire } from "node:module";

const modules = new URL("../tests/interop/node_modules/", import.meta.url);
const require = createRequire(modules);
// next-auth's core handler, loaded by path: the package's export map does not list it.
const { AuthHandler } = require(new URL("next-auth/core/index.js", modules).pathname);
const Credentials = require("next-auth/providers/credentials").default;
// The cookie package parses (and percent-decodes) as Next.js hands cookies to NextAuth.
const { parse, serialize } = require("cookie");

const options = {
  secret: "bench-6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE=",
  session: { strategy: "jwt" },
  providers: [Credentials({ credentials: {}, authorize: async () => null })],
  logger: { error() {}, warn() {}, debug() {} },
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  const action = url.pathname.replace(/^\/api\/auth\//, "").split("/")[0];
  const answer = await AuthHandler({
    req: {
      origin: "http://127.0.0.1",
      method: req.method,
      cookies: parse(req.headers.cookie ?? ""),
      headers: req.headers,
      query: Object.fromEntries(url.searchParams),
      body: {},
      action,
    },
    options,
  });
  for (const { key, value } of answer.headers ?? []) res.setHeader(key, value);
  const cookies = (answer.cookies ?? []).map((c) => serialize(c.name, c.value, c.options));
  if (cookies.length) res.setHeader("Set-Cookie", cookies);
  res.statusCode = answer.status ?? 200;
  res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? null));
});
server.listen(Number(process.argv[2]), "127.0.0.1");
