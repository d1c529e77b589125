// Where this Next.js server reaches Django (server to server; browsers never use this URL).
// Read when the server starts, not at build time, so one build runs against any Django.
export function djangoUrl(): string {
  return (process.env.DJANGO_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}

// Auth.js's session cookie: "__Secure-" prefixed when AUTH_URL is https. A large session is
// split into chunks named <name>.0, <name>.1, ... so match on the prefix.
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

// A Cookie header with only the session cookie (and its chunks) of the incoming request:
// everything Django's NextAuthMiddleware needs to know who is calling, and nothing more.
export function sessionCookieHeader(cookies: { name: string; value: string }[]): string {
  return cookies
    .filter(({ name }) => SESSION_COOKIE.test(name))
    .map(({ name, value }) => `${name}=${encodeURIComponent(value)}`)
    .join("; ");
}
