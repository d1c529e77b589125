import { SignInForm } from "./signin-form";

export const dynamic = "force-dynamic";

// What an error code in the URL means (NextAuth sends ?error=<code> back here).
const ERRORS: Record<string, string> = {
  CredentialsSignin: "Sign in failed. Check the details you provided are correct.",
  MissingCSRF: "The form expired. Please try again.",
};
const DEFAULT_ERROR = "Unable to sign in. Please try again.";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

// This app's sign-in page, set as `pages.signIn` of this app's NextAuth: NextAuth
// sends /api/next-auth/signin here, with ?callbackUrl=... and, after a failed try, ?error=....
// The card is Django's sign-in page's (django_nextauth/templates/nextauth/signin.html).
export default async function SignIn({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const error = first(params.error) || (first(params.csrf) === "true" ? "MissingCSRF" : "");
  return (
    <div className="auth">
      <div className="card">
        <h1>Sign in</h1>
        {error ? (
          <div className="alert error" role="alert" data-error={error}>
            {ERRORS[error] ?? DEFAULT_ERROR}
          </div>
        ) : null}
        {/* NextAuth checks callbackUrl (its redirect callback): only this site's URLs pass.
            After a failed try the URL may have none: NextAuth then uses its callback-url
            cookie, from the first try. */}
        <SignInForm callbackUrl={first(params.callbackUrl) || undefined} />
      </div>
      <p className="back">
        <a href="/api/auth/signin">Sign in with Django instead</a>
      </p>
    </div>
  );
}
