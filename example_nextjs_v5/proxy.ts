import type { NextAuthRequest } from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";

import { auth } from "@/auth";
import { djangoUrl } from "@/lib/django";

// Next.js 16 runs this file on the Node.js runtime before each request that `config.matcher`
// below lets through.
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

// auth() reads the session cookie into request.auth, whichever side issued it, and sets it
// again (renewed) on the response. Signed-out visitors go to Django's sign-in page. Its
// request.nextUrl has AUTH_URL's origin (`next start` would give its own host and port).
const requireSession = auth((request: NextAuthRequest, _event: NextFetchEvent) => {
  if (request.auth) return NextResponse.next();
  const signIn = new URL("/api/auth/signin", request.nextUrl.origin);
  signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
});

export function proxy(request: NextRequest, event: NextFetchEvent) {
  const { pathname, search } = request.nextUrl;
  if (servedByDjango(pathname)) {
    // Not through auth(): it would set the session cookie again on Django's answers,
    // sign-out included.
    return NextResponse.rewrite(new URL(pathname + search, djangoUrl()));
  }
  return requireSession(request, event);
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
