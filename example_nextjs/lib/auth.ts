import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

import { djangoUrl } from "./django";

// The Next.js side's own NextAuth configuration (next-auth 4). It serves the API at
// /api/next-auth (app/api/next-auth/[...nextauth]/route.ts), because /api/auth is Django's.
// Secret: next-auth 4 reads NEXTAUTH_SECRET, then AUTH_SECRET; Django reads AUTH_SECRET, then
// NEXTAUTH_SECRET. Give both servers the same value.
// NEXTAUTH_URL must be this app's public origin + "/api/next-auth".
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt" },
  // This app's own sign-in page (app/signin/), in the look of Django's.
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      id: "credentials",
      name: "Next.js (users checked by Django)",
      credentials: {
        username: { label: "Username or e-mail", type: "text", placeholder: "alice" },
        password: { label: "Password", type: "password" },
      },
      // The users live in Django's database: ask Django (example_project/demo/nextjs.py),
      // which answers with the same claims its own sign-in puts in the token.
      async authorize(credentials): Promise<User | null> {
        const response = await fetch(`${djangoUrl()}/api/check-credentials`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            username: credentials?.username ?? "",
            password: credentials?.password ?? "",
          }),
          cache: "no-store",
        });
        if (!response.ok) return null; // 401: wrong credentials; 429: too many attempts
        return (await response.json()) as User;
      },
    }),
  ],
  callbacks: {
    // Keep the token's custom claims exactly as Django's jwt callback writes them
    // (example_project/demo/callbacks.py), so both sides read any session the same way.
    async jwt({ token, user, trigger, session }) {
      if (user) {
        // The sign-in time and session id Django's revocation needs (docs/nextjs.md, "Sign-in
        // time and session id"); set once at sign-in, kept by every later call.
        token.auth_time ??= Math.floor(Date.now() / 1000);
        token.sid ??= crypto.randomUUID();
        token.id = user.id;
        token.username = user.username;
        token.is_verified = user.is_verified;
        token.roles = user.roles;
        // When and which sign-in this is: Django refuses a token without auth_time for a user
        // who signed out everywhere (docs/nextjs.md). Later calls keep both.
        token.auth_time ??= Math.floor(Date.now() / 1000);
        token.sid ??= crypto.randomUUID();
      }
      const name = typeof session?.name === "string" ? session.name.trim() : "";
      if (trigger === "update" && name) {
        token.name = name.slice(0, 60); // update() data comes from the browser: validate it
      }
      return token;
    },
    async session({ session, token }) {
      session.user = {
        ...session.user,
        id: token.id ?? token.sub ?? "",
        username: token.username ?? "",
        is_verified: Boolean(token.is_verified),
        roles: token.roles ?? [],
      };
      return session;
    },
  },
};
