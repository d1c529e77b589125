// Drives the real NextAuth clients against a live Django server.
//
// Reads one JSON document on stdin, writes one on stdout (see nodejs.py).
//   {op: "origins", urls}      -> WHATWG `new URL(u).origin` of each (null if it throws)
//   {op: "flow", version, authUrl, username, password, badPassword, secret, update}
//       -> what each client function returned, every HTTP exchange, and the session
//          cookie decoded by the real getToken of that version.
//
// The client modules read NEXTAUTH_URL when they are first imported, so it is
// set before the dynamic import. `window` is undefined in Node, so the clients
// build absolute URLs from NEXTAUTH_URL (their server-side path).
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"

// Keep stdout for our JSON: library logging goes to stderr.
console.log = console.error
console.info = console.error
console.debug = () => {}

const input = JSON.parse(readFileSync(0, "utf8"))
const require = createRequire(import.meta.url)

function origins(urls) {
  return urls.map((u) => {
    try {
      return new URL(u).origin
    } catch {
      return null
    }
  })
}

// A cookie jar in front of fetch: stores Set-Cookie, sends Cookie, as a browser would.
function installCookieFetch(jar, exchanges) {
  const realFetch = globalThis.fetch
  globalThis.fetch = async (url, init = {}) => {
    const headers = new Headers(init.headers ?? {})
    if (jar.size) {
      headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "))
    }
    const res = await realFetch(url, { ...init, headers, redirect: "manual" })
    const setCookie = res.headers.getSetCookie()
    for (const line of setCookie) {
      const [pair, ...attrs] = line.split(";")
      const eq = pair.indexOf("=")
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some((a) => a.trim().toLowerCase() === "max-age=0")
      if (expired) jar.delete(name)
      else jar.set(name, value)
    }
    exchanges.push({
      method: (init.method ?? "GET").toUpperCase(),
      url: String(url),
      requestContentType: headers.get("content-type"),
      requestBody: typeof init.body === "string" ? init.body : init.body?.toString() ?? null,
      returnRedirect: headers.get("x-auth-return-redirect"),
      status: res.status,
      contentType: res.headers.get("content-type"),
      cacheControl: res.headers.get("cache-control"),
      setCookie,
    })
    return res
  }
}

const silentLogger = { error() {}, warn() {}, debug() {} }

async function loadClient(version, authUrl) {
  if (version === "v4") {
    const react = require("next-auth/react")
    const { fetchData } = require("next-auth/client/_utils")
    const url = new URL(authUrl)
    // The same config object next-auth/react builds from NEXTAUTH_URL.
    const config = {
      baseUrl: url.origin,
      basePath: url.pathname,
      baseUrlServer: url.origin,
      basePathServer: url.pathname,
      _lastSync: 0,
      _session: undefined,
      _getSession: () => {},
    }
    // What useSession().update(data) sends (react/index.tsx): fetchData with req.body.
    const update = async (data) =>
      fetchData("session", config, silentLogger, {
        req: { body: { csrfToken: await react.getCsrfToken(), data } },
      })
    return { ...react, update }
  }
  const react = await import("next-auth-v5/react")
  // Not in the package's exports map: import the file itself.
  const { fetchData } = await import("./node_modules/next-auth-v5/lib/client.js")
  // What useSession().update(data) sends (react.js): fetchData with a body.
  const update = async (data) =>
    fetchData("session", react.__NEXTAUTH, silentLogger, {
      body: { csrfToken: await react.getCsrfToken(), data },
    })
  return { ...react, update }
}

async function decodeWithGetToken(version, jar, secret) {
  const cookieHeader = [...jar].map(([k, v]) => `${k}=${v}`).join("; ")
  if (version === "v4") {
    const { getToken } = require("next-auth/jwt")
    // v4 getToken reads req.cookies (a plain object of decoded values).
    const cookies = Object.fromEntries([...jar].map(([k, v]) => [k, decodeURIComponent(v)]))
    return getToken({ req: { cookies, headers: {} }, secret })
  }
  const { getToken } = await import("@auth/core/jwt")
  return getToken({ req: { headers: { cookie: cookieHeader } }, secret })
}

async function flow({ version, authUrl, username, password, badPassword, secret, update }) {
  process.env.NEXTAUTH_URL = authUrl
  const origin = new URL(authUrl).origin
  const jar = new Map()
  const exchanges = []
  installCookieFetch(jar, exchanges)
  const client = await loadClient(version, authUrl)
  const out = { exchanges }
  const step = async (name, fn) => {
    const start = exchanges.length
    out[name] = { result: await fn() }
    out[name].exchanges = exchanges.slice(start)
    out[name].cookies = Object.fromEntries(jar)
  }

  await step("sessionBefore", () => client.getSession())
  await step("providers", () => client.getProviders())
  await step("csrfToken", () => client.getCsrfToken())
  // The cookie must be `token|sha256hex(token + secret)`, checked with Node's own crypto.
  const csrfCookie = decodeURIComponent(jar.get(`${version === "v4" ? "next-auth" : "authjs"}.csrf-token`))
  const [csrfToken, csrfHash] = csrfCookie.split("|")
  out.csrfCookieValid =
    csrfToken === out.csrfToken.result &&
    csrfHash === createHash("sha256").update(`${csrfToken}${secret}`).digest("hex")
  await step("badSignIn", () =>
    client.signIn("credentials", {
      redirect: false,
      username,
      password: badPassword,
      callbackUrl: `${origin}/after`,
    })
  )
  await step("signIn", () =>
    client.signIn("credentials", {
      redirect: false,
      username,
      password,
      callbackUrl: `${origin}/after`,
    })
  )
  out.tokenAfterSignIn = await decodeWithGetToken(version, jar, secret)
  await step("session", () => client.getSession())
  await step("update", () => client.update(update))
  out.tokenAfterUpdate = await decodeWithGetToken(version, jar, secret)
  await step("sessionAfterUpdate", () => client.getSession())
  await step("signOut", () => client.signOut({ redirect: false, callbackUrl: `${origin}/bye` }))
  await step("sessionAfterSignOut", () => client.getSession())
  out.tokenAfterSignOut = await decodeWithGetToken(version, jar, secret)
  return out
}

let output
if (input.op === "origins") output = origins(input.urls)
else if (input.op === "flow") output = await flow(input)
else throw new Error(`unknown op ${input.op}`)

process.stdout.write(JSON.stringify(output ?? null))
// The v5 client opens a BroadcastChannel, which would keep Node running.
process.exit(0)
