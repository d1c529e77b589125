import NextAuth, { type User } from "next-auth";
import Credentials from "next-auth/providers/credentials";

import { djangoUrl } from "@/lib/django";

// The Next.js side's own Auth.js configuration (next-auth 5). NextAuth() returns the route
// handlers, served at /api/next-auth (app/api/next-auth/[...nextauth]/route.ts) because
// /api/auth is Django's, and auth(), which reads the session in server components and proxy.ts.
// Secret: next-auth 5 reads AUTH_SECRET; so does Django. Give both servers the same value.
// AUTH_URL: this app's public origin (the base path is set here).
// Cookies: Auth.js's defaults (authjs.session-token, ...), which Django writes with
// NEXTAUTH["VERSION"] = "v5".
export const { handlers, auth } = NextAuth({
  basePath: "/api/next-auth",
  session: { strategy: "jwt" },
  // This app's own sign-in page (app/signin/), in the look of Django's.
  pages: { signIn: "/signin" },
  providers: [
    Credentials({
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
            username: String(credentials.username ?? ""),
            password: String(credentials.password ?? ""),
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
});
