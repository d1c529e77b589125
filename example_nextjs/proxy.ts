import { withAuth, type NextRequestWithAuth } from "next-auth/middleware";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";

import { djangoUrl } from "@/lib/django";

// Next.js 16 runs this file (it was middleware.ts) on the Node.js runtime before each request
// that `config.matcher` below lets through.
//
// The browser only talks to this Next.js server. Django's paths are proxied to Django, so both
// apps share one origin, and so one session cookie: Django serves /api/auth/* (sign-in,
// session, sign-out: the NextAuth REST API), /api/me and its demo pages.
//
// Why not `rewrites` in next.config.mjs: those are frozen into the build (.next/
// routes-manifest.json); here DJANGO_URL is read when the server runs, so one build runs
// against any Django.
const DJANGO_PATHS = ["/api/auth", "/api/me", "/dashboard", "/profile", "/staff"];

function servedByDjango(pathname: string): boolean {
  return DJANGO_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`));
}

// This app's public origin: NEXTAUTH_URL without its path. `next start` builds
// request.nextUrl from its own host and port, not from the browser's Host header, so the
// redirect to sign-in takes its origin from here.
const siteUrl = new URL(process.env.NEXTAUTH_URL ?? "http://localhost:3000").origin;

// Signed-out visitors go to Django's sign-in page (withAuth adds ?callbackUrl=<this path>).
// withAuth decrypts the session cookie with the shared secret, whichever side issued it.
const requireSession = withAuth({ pages: { signIn: `${siteUrl}/api/auth/signin` } });

export function proxy(request: NextRequest, event: NextFetchEvent) {
  const { pathname, search } = request.nextUrl;
  if (servedByDjango(pathname)) {
    return NextResponse.rewrite(new URL(pathname + search, djangoUrl()));
  }
  return requireSession(request as NextRequestWithAuth, event);
}

// Only these paths run the proxy: Django's (DJANGO_PATHS, repeated here because the matcher
// must be a literal) and the pages that need a session.
export const config = {
  matcher: [
    "/api/auth/:path*",
    "/api/me",
    "/dashboard/:path*",
    "/profile/:path*",
    "/staff/:path*",
    "/account/:path*",
  ],
};
