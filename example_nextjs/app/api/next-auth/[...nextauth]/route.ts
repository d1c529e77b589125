import NextAuth from "next-auth";

import { authOptions } from "@/lib/auth";

// The Next.js side's NextAuth API: /api/next-auth/signin, /callback/credentials, /session,
// /signout, ... (/api/auth is Django's; see proxy.ts).
const handler = NextAuth(authOptions);

export { handler as GET, handler as POST };
