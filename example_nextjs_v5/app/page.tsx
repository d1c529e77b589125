
import { auth } from "@/auth";

export const dynamic = "force-dynamic";

// A server component: auth() decrypts the session cookie on the Next.js server,
// whether Django or this app issued it.
export default async function Home() {
  const session = await auth();
  return (
    <>
      <h1>One sign-in, two servers</h1>
      <p className="lead">
        This Next.js app and the Django example project share one NextAuth session cookie
        (<code>authjs.session-token</code>): sign in on either side, both see you.
      </p>
      <div className="grid">
        <section className="card" data-testid="server-session">
          <h2>
            Next.js server: <code>auth()</code>
          </h2>
          {session ? (
            <p>
              Signed in as <strong data-testid="server-name">{session.user.name}</strong> (
              <code>{session.user.username}</code>).
            </p>
          ) : (
            <p>You are signed out.</p>
          )}
          <p className="note">
            The header shows the same session from the browser, with <code>useSession()</code>.
          </p>
        </section>
        <section className="card">
          <h2>Sign in on either side</h2>
          <p>
            <a className="btn" href="/api/auth/signin?callbackUrl=%2Faccount">
              Sign in with Django
            </a>
          </p>
          <p className="note">
            Django&apos;s <code>/api/auth</code> (django-nextauth) checks the password and sets the
            cookie. It is what <code>signIn()</code> in the header uses.
          </p>
          <p>
            <a className="btn secondary" href="/signin?callbackUrl=%2Faccount">
              Sign in on Next.js
            </a>
          </p>
          <p className="note">
            This app&apos;s own NextAuth at <code>/api/next-auth</code> sets the cookie; its
            credentials provider asks Django whether the password is right. Its sign-in page is
            <code>app/signin/</code>.
          </p>
        </section>
      </div>
      <section className="card">
        <h2>Demo accounts (Django&apos;s users)</h2>
        <dl>
          <dt><code>alice</code></dt><dd>password <code>wonderland</code></dd>
          <dt><code>bob</code></dt><dd>password <code>builder</code> (staff)</dd>
          <dt><code>carol</code></dt><dd>password <code>christmas</code> (not verified)</dd>
        </dl>
      </section>
    </>
  );
}
