import type { DefaultSession } from "next-auth";

// The claims both sides add to the token and to session.user.
interface DemoClaims {
  id: string;
  username: string;
  is_verified: boolean;
  roles: string[];
}

declare module "next-auth" {
  interface User extends DemoClaims {}
  interface Session {
    user: DefaultSession["user"] & DemoClaims;
  }
}

declare module "next-auth/jwt" {
  interface JWT extends Partial<DemoClaims> {
    auth_time?: number; // the sign-in's time, in seconds since the epoch
    sid?: string; // the sign-in's id
  }
}
