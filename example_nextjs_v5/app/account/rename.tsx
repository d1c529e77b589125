"use client";

import { useSession } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

// NextAuth's update(): POST /api/auth/session with {csrfToken, data}. Django's jwt callback
// (trigger "update") renames the user and re-issues the cookie; both servers then see the name.
export function Rename() {
  const { data: session, update } = useSession();
  const router = useRouter();
  const [name, setName] = useState("");
  const [status, setStatus] = useState("");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const updated = await update({ name });
    setStatus(updated ? "Saved: the session cookie now carries the new name." : "Not saved.");
    router.refresh(); // render the server components again, with the new cookie
  }

  return (
    <section className="card">
      <h2>Rename yourself</h2>
      <p>
        Current name: <strong data-testid="client-current-name">{session?.user.name ?? "…"}</strong>
      </p>
      <form onSubmit={submit}>
        <label htmlFor="name">New display name</label>
        <input id="name" type="text" maxLength={60} required value={name}
          onChange={(event) => setName(event.target.value)} />
        <button className="btn" type="submit">Update session</button>
      </form>
      <p className="note" role="status">{status}</p>
    </section>
  );
}
