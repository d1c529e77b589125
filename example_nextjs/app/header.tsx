"use client";

import Link from "next/link";
import { signIn, signOut, useSession } from "next-auth/react";

// The client side: useSession() asks GET /api/auth/session (Django) from the browser.
export function Header() {
  const { data: session, status } = useSession();
  return (
    <header>
      <div className="bar">
        <Link className="brand" href="/">
          Next.js <span>+ Django</span>
        </Link>
        <nav>
          <Link href="/">Home</Link>
          <Link href="/account">Account</Link>
          {/* Django's pages: plain links (full page loads), proxied by proxy.ts. */}
          <a href="/dashboard/">Django dashboard</a>
          <a href="/profile/">Django profile</a>
          <a href="/api/me">/api/me</a>
        </nav>
        <div className="who" data-testid="client-session" data-status={status}>
          {session ? (
            <>
              <span data-testid="client-name">{session.user.name}</span>
              <button className="btn secondary" onClick={() => signOut({ callbackUrl: "/" })}>
                Sign out
              </button>
            </>
          ) : status === "unauthenticated" ? (
            <button className="btn" onClick={() => signIn()}>
              Sign in
            </button>
          ) : null}
        </div>
      </div>
    </header>
  );
}
