import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";

import { authOptions } from "@/lib/auth";

import { AskDjango } from "./ask-django";
import { Rename } from "./rename";

export const dynamic = "force-dynamic";

// Protected by proxy.ts (withAuth): signed-out visitors never get here.
export default async function Account() {
  const session = await getServerSession(authOptions);
  if (!session) redirect("/api/auth/signin?callbackUrl=%2Faccount"); // an unreadable session
  const { user } = session;
  return (
    <>
      <h1>Account</h1>
      <p className="lead">
        Hello, <strong data-testid="account-name">{user.name}</strong>. The proxy let you in;
        this page read the session with <code>getServerSession()</code>.
      </p>
      <div className="grid">
        <section className="card">
          <h2>
            <code>session.user</code> on the Next.js server
          </h2>
          <dl>
            <dt>id</dt><dd>{user.id}</dd>
            <dt>username</dt><dd data-testid="account-username">{user.username}</dd>
            <dt>email</dt><dd>{user.email}</dd>
            <dt>is_verified</dt>
            <dd>
              {user.is_verified ? <span className="badge ok">yes</span> : <span className="badge warn">no</span>}
            </dd>
            <dt>roles</dt>
            <dd data-testid="account-roles">
              {user.roles.map((role) => (
                <span className="badge" key={role}>{role}</span>
              ))}
            </dd>
          </dl>
        </section>
        <Rename />
      </div>
      <AskDjango />
    </>
  );
}
