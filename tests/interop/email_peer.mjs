// NextAuth's own e-mail sign-in code, run with a recording adapter: what the real
// v4 `signin` route and v5 `sendToken` make of an address, and the link and token
// hash they produce. Also drives the official clients' signIn("email") against a
// live Django and follows the link Django mailed (read back through Django) as a
// browser does: GET the confirmation page, submit its form.
//
// Reads one JSON document on stdin, writes one on stdout (see nodejs.py).
//   {op: "normalize", version, emails}          -> the address each becomes, or null (refused)
//   {op: "send", version, authUrl, callbackUrl, email, token, secret}
//       -> {redirect, url, identifier, stored: {identifier, token}}
//   {op: "params", items: [[k, v], ...]}        -> new URLSearchParams(items).toString()
//   {op: "signIn", version, authUrl, email, providerId, callbackUrl, mailboxUrl, secret}
//       -> signIn's result, the link read from the mailbox, following it, the session
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"

console.log = console.error
console.info = console.error
console.debug = () => {}
console.warn = console.error

const input = JSON.parse(readFileSync(0, "utf8"))
const require = createRequire(import.meta.url)
const silentLogger = { error() {}, warn() {}, debug() {} }

async function sendV4({ authUrl, callbackUrl, email, token, secret }) {
  const signin = require("./node_modules/next-auth/core/routes/signin.js").default
  const record = {}
  const provider = {
    type: "email",
    id: "email",
    maxAge: 86400,
    generateVerificationToken: () => token,
    sendVerificationRequest: async (params) => {
      record.url = params.url
      record.identifier = params.identifier
    },
  }
  const adapter = {
    getUserByEmail: async () => null,
    createVerificationToken: async (row) => {
      record.stored = { identifier: row.identifier, token: row.token }
    },
  }
  const options = {
    url: authUrl,
    callbacks: { signIn: async () => true },
    logger: silentLogger,
    provider,
    adapter,
    secret,
    callbackUrl,
  }
  const result = await signin({ options, query: {}, body: { email } })
  return { redirect: result.redirect, ...record }
}

async function sendV5({ authUrl, callbackUrl, email, token, secret }) {
  const { sendToken } = await import(
    "./node_modules/@auth/core/lib/actions/signin/send-token.js"
  )
  const record = {}
  const url = new URL(authUrl)
  const provider = {
    type: "email",
    id: "email",
    maxAge: 86400,
    generateVerificationToken: () => token,
    sendVerificationRequest: async (params) => {
      record.url = params.url
      record.identifier = params.identifier
    },
  }
  const adapter = {
    getUserByEmail: async () => null,
    createVerificationToken: async (row) => {
      record.stored = { identifier: row.identifier, token: row.token }
    },
  }
  const request = { url: new URL(`${authUrl}/signin/email`), headers: {}, method: "POST", body: { email } }
  const options = {
    provider,
    adapter,
    callbacks: { signIn: async () => true, redirect: async ({ url }) => url },
    callbackUrl,
    secret,
    basePath: url.pathname,
    url,
  }
  const result = await sendToken(request, options)
  return { redirect: result.redirect, ...record }
}

async function normalize({ version, emails }) {
  const out = []
  for (const email of emails) {
    try {
      const send = version === "v4" ? sendV4 : sendV5
      const result = await send({
        authUrl: "http://localhost:3000/api/auth",
        callbackUrl: "http://localhost:3000",
        email,
        token: "t",
        secret: "s",
      })
      out.push(result.identifier ?? null)
    } catch {
      out.push(null)
    }
  }
  return out
}

// A cookie jar in front of fetch, as client_peer.mjs has.
function installCookieFetch(jar) {
  const realFetch = globalThis.fetch
  globalThis.fetch = async (url, init = {}) => {
    const headers = new Headers(init.headers ?? {})
    if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "))
    const res = await realFetch(url, { ...init, headers, redirect: "manual" })
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";")
      const eq = pair.indexOf("=")
      const name = pair.slice(0, eq).trim()
      const expired = attrs.some((a) => a.trim().toLowerCase() === "max-age=0")
      if (expired) jar.delete(name)
      else jar.set(name, pair.slice(eq + 1).trim())
    }
    return res
  }
  return realFetch
}

// The page's POST form as a browser reads it: action and named inputs, entities decoded
// (Django escapes & < > " ' in attribute values).
const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#x27": "'", "#39": "'" }
function readForm(html) {
  const attrs = (tag) =>
    Object.fromEntries(
      [...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [
        k.toLowerCase(),
        v.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, e) => ENTITIES[e]),
      ]),
    )
  const form = html.match(/<form\b([^>]*)>([\s\S]*?)<\/form>/i)
  if (!form || attrs(form[1]).method?.toUpperCase() !== "POST") throw new Error("no POST form")
  const fields = {}
  for (const [, tag] of form[2].matchAll(/<input\b([^>]*)>/gi)) {
    const input = attrs(tag)
    if (input.name) fields[input.name] = input.value ?? ""
  }
  return { action: attrs(form[1]).action, fields }
}

// Open the link (a top-level GET with the browser's cookies), press "Sign in".
async function followLink(link) {
  const page = await fetch(link)
  if (page.status !== 200) return { page: page.status }
  const { action, fields } = readForm(await page.text())
  const posted = await fetch(action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(link).origin },
    body: new URLSearchParams(fields).toString(),
  })
  return { page: page.status, status: posted.status, location: posted.headers.get("location") }
}

async function signInFlow({ version, authUrl, email, providerId, callbackUrl, mailboxUrl, secret }) {
  process.env.NEXTAUTH_URL = authUrl
  const jar = new Map()
  const realFetch = installCookieFetch(jar)
  const react = version === "v4" ? require("next-auth/react") : await import("next-auth-v5/react")
  const out = {}
  out.providers = await react.getProviders()
  out.signIn = await react.signIn(providerId, { email, redirect: false, callbackUrl })
  // The test's mailbox view (Django's locmem outbox), fetched without the browser's cookies.
  const mailbox = await (await realFetch(mailboxUrl)).json()
  out.mailbox = mailbox
  const link = mailbox.links.at(-1)
  out.followed = await followLink(link)
  out.session = await react.getSession()
  out.reused = await followLink(link)
  if (version === "v4") {
    const { getToken } = require("next-auth/jwt")
    const cookies = Object.fromEntries([...jar].map(([k, v]) => [k, decodeURIComponent(v)]))
    out.token = await getToken({ req: { cookies, headers: {} }, secret })
  } else {
    const { getToken } = await import("@auth/core/jwt")
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ")
    out.token = await getToken({ req: { headers: { cookie } }, secret })
  }
  out.cookies = [...jar.keys()]
  return out
}

let output
if (input.op === "normalize") output = await normalize(input)
else if (input.op === "send") output = await (input.version === "v4" ? sendV4 : sendV5)(input)
else if (input.op === "params") output = input.items.map((items) => new URLSearchParams(items).toString())
else if (input.op === "signIn") output = await signInFlow(input)
else throw new Error(`unknown op ${input.op}`)

process.stdout.write(JSON.stringify(output ?? null))
process.exit(0)
