"use client";

import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";

// useSession(), signIn(), signOut() and update() talk to Django's NextAuth API: /api/auth on
// this origin, which proxy.ts proxies to Django. Django runs the sign-in and the callbacks.
// (basePath="/api/next-auth" would point them at this app's own NextAuth API instead.)
export function Providers({ children }: { children: ReactNode }) {
  return <SessionProvider basePath="/api/auth">{children}</SessionProvider>;
}
