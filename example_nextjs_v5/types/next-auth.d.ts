import type { DefaultSession } from "next-auth";

// The claims both sides add to the token and to session.user.
interface DemoClaims {
  id: string;
  username: string;
  is_verified: boolean;
  roles: string[];
}

declare module "next-auth" {
  // Auth.js's User already has an optional id.
  interface User extends Omit<DemoClaims, "id"> {}
  interface Session {
    user: DefaultSession["user"] & DemoClaims;
  }
}

// next-auth/jwt re-exports @auth/core's JWT: declare the claims where the interface lives.
declare module "@auth/core/jwt" {
  interface JWT extends Partial<DemoClaims> {
    auth_time?: number; // the sign-in's time, in seconds since the epoch
    sid?: string; // the sign-in's id
  }
}
