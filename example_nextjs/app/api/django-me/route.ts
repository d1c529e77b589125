import { cookies } from "next/headers";
import { NextResponse } from "next/server";

import { djangoUrl, sessionCookieHeader } from "@/lib/django";

export const dynamic = "force-dynamic";

// GET /api/django-me: the back-end call pattern. This Next.js server calls Django's API
// (GET /api/me, Django REST framework) with the user's session cookie; Django's
// NextAuthMiddleware decrypts it, so Django knows the user without any extra token exchange.
export async function GET() {
  const cookieStore = await cookies(); // a Promise since Next.js 15
  const response = await fetch(`${djangoUrl()}/api/me`, {
    headers: { Cookie: sessionCookieHeader(cookieStore.getAll()), Accept: "application/json" },
    cache: "no-store",
  });
  const body: unknown = await response.json().catch(() => null);
  return NextResponse.json({ status: response.status, body }, { status: response.status });
}
