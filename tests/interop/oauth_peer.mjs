// The official NextAuth clients' OAuth sign-in against a live Django and the real IdP.
//
// stdin: {version, authUrl, providerId, secret, login, authorizationParams}
// stdout: {providers, signIn: {exchange, location}, checkCookies: {<name>: claims},
//          callback: {status, location, setCookie}, session, token}
//
// signIn("<id>", {callbackUrl}, authorizationParams) of next-auth/react 4.24.15 (v4) or
// next-auth@5.0.0-beta.32 (v5) POSTs to Django and sets window.location.href to the
// authorization URL, as in a browser (a stub `window` exists for that assignment only).
// Then the IdP's login form is submitted (its own cookie jar), the redirect back to
// Django's callback is followed with the client's jar, and getSession() runs. The check
// cookies are decrypted with the real next-auth/jwt / @auth/core/jwt decode, salt = the
// cookie name; the session cookie is read with their getToken.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"

console.log = console.error
console.info = console.error
console.debug = () => {}

const input = JSON.parse(readFileSync(0, "utf8"))
const require = createRequire(import.meta.url)
const realFetch = globalThis.fetch

function remember(jar, response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";")
    const eq = pair.indexOf("=")
    const name = pair.slice(0, eq).trim()
    const expired = attrs.some((a) => a.trim().toLowerCase() === "max-age=0")
    if (expired) jar.delete(name)
    else jar.set(name, pair.slice(eq + 1).trim())
  }
}

function cookieHeader(jar) {
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ")
}

// The client's fetch: Django's cookies kept as a browser would, every exchange recorded.
function installCookieFetch(jar, exchanges) {
  globalThis.fetch = async (url, init = {}) => {
    const headers = new Headers(init.headers ?? {})
    if (jar.size) headers.set("cookie", cookieHeader(jar))
    const res = await realFetch(url, { ...init, headers, redirect: "manual" })
    remember(jar, res)
    if (init.method?.toUpperCase() === "POST" && String(url).includes("/signin/")) {
      // The clients check `typeof window` to pick their base URL, so `window` only
      // exists from here on, for the `window.location.href = url` that follows.
      globalThis.window = { location: { href: "", reload() {} } }
    }
    exchanges.push({
      method: (init.method ?? "GET").toUpperCase(),
      url: String(url),
      requestBody: typeof init.body === "string" ? init.body : init.body?.toString() ?? null,
      returnRedirect: headers.get("x-auth-return-redirect"),
      status: res.status,
      setCookie: res.headers.getSetCookie(),
    })
    return res
  }
}

async function loadClient(version) {
  if (version === "v4") return require("next-auth/react")
  return await import("next-auth-v5/react")
}

const jwtOf = async (version) =>
  version === "v4" ? require("next-auth/jwt") : await import("@auth/core/jwt")

// The IdP in its own "browser": its login form, then redirects until one leaves the IdP.
async function idpLogin(url, login) {
  const jar = new Map()
  let current = new URL(url)
  let res = await realFetch(current, { redirect: "manual" })
  for (let i = 0; i < 10; i++) {
    remember(jar, res)
    if (res.status === 200) {
      const html = await res.text()
      const action = new URL(/action="([^"]+)"/.exec(html)[1], current)
      res = await realFetch(action, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: cookieHeader(jar), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ login }).toString(),
      })
      current = action
      continue
    }
    const next = new URL(res.headers.get("location"), current)
    if (next.origin !== current.origin) return next.href
    current = next
    res = await realFetch(current, { redirect: "manual", headers: { cookie: cookieHeader(jar) } })
  }
  throw new Error("the IdP never redirected back")
}

async function run({ version, authUrl, providerId, secret, login, authorizationParams }) {
  process.env.NEXTAUTH_URL = authUrl
  const origin = new URL(authUrl).origin
  const jar = new Map()
  const exchanges = []
  installCookieFetch(jar, exchanges)
  const client = await loadClient(version)
  const out = {}
  out.providers = await client.getProviders()

  const start = exchanges.length
  await client.signIn(providerId, { callbackUrl: `${origin}/after` }, authorizationParams)
  const authorizationUrl = globalThis.window.location.href
  delete globalThis.window
  const post = exchanges.slice(start).find((e) => e.method === "POST")
  out.signIn = { exchange: post, location: authorizationUrl }

  const { decode, getToken } = await jwtOf(version)
  out.checkCookies = {}
  for (const [name, value] of jar) {
    if (/\.(state|pkce\.code_verifier|nonce)$/.test(name)) {
      out.checkCookies[name] = await decode({ token: decodeURIComponent(value), secret, salt: name })
    }
  }

  const callbackUrl = await idpLogin(authorizationUrl, login)
  const res = await globalThis.fetch(callbackUrl)
  out.callback = {
    url: callbackUrl,
    status: res.status,
    location: res.headers.get("location"),
    setCookie: res.headers.getSetCookie(),
  }
  out.cookiesAfter = [...jar.keys()]
  out.session = await client.getSession()
  if (version === "v4") {
    const cookies = Object.fromEntries([...jar].map(([k, v]) => [k, decodeURIComponent(v)]))
    out.token = await getToken({ req: { cookies, headers: {} }, secret })
  } else {
    out.token = await getToken({ req: { headers: { cookie: cookieHeader(jar) } }, secret })
  }
  return out
}

const output = await run(input)
process.stdout.write(JSON.stringify(output))
// The v5 client opens a BroadcastChannel, which would keep Node running.
process.exit(0)
