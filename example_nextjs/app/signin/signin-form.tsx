"use client";

import { useEffect, useState } from "react";

// This app's own NextAuth API (app/api/next-auth/[...nextauth]/route.ts), not Django's.
const BASE_PATH = "/api/next-auth";

// A plain HTML form posted to NextAuth's credentials callback, as NextAuth's built-in page
// does. NextAuth wants its CSRF token back: GET /csrf sets the CSRF cookie in this browser and
// answers the token, so the button waits for it.
export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [csrfToken, setCsrfToken] = useState("");
  useEffect(() => {
    fetch(`${BASE_PATH}/csrf`, { cache: "no-store" })
      .then((response) => response.json() as Promise<{ csrfToken?: string }>)
      .then((body) => setCsrfToken(body.csrfToken ?? ""))
      .catch(() => setCsrfToken(""));
  }, []);
  return (
    <form method="POST" action={`${BASE_PATH}/callback/credentials`}>
      <input type="hidden" name="csrfToken" value={csrfToken} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <label htmlFor="username">Username or e-mail</label>
      <input id="username" name="username" type="text" placeholder="alice"
        autoComplete="username" required />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password"
        autoComplete="current-password" required />
      <button type="submit" disabled={!csrfToken}>
        Sign in
      </button>
    </form>
  );
}
