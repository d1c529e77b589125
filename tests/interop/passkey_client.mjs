// The official browser client of passkeys, bundled by the e2e test with esbuild:
// next-auth 5's `next-auth/webauthn` signIn() and `next-auth/react` getSession().
import { signIn } from "next-auth-v5/webauthn";
import { getSession } from "next-auth-v5/react";

window.nextAuthPasskeys = { signIn, getSession };
