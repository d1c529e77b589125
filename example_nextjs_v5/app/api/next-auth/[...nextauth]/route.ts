import { handlers } from "@/auth";

// The Next.js side's Auth.js API: /api/next-auth/signin, /callback/credentials, /session,
// /signout, ... (/api/auth is Django's; see proxy.ts).
export const { GET, POST } = handlers;
