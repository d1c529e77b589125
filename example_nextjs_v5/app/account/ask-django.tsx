"use client";

import { useSession } from "next-auth/react";
import { useEffect, useState } from "react";

type Answer = { status: number; body: { user?: { username?: string; name?: string } } | null };

// Calls this app's route handler (app/api/django-me/route.ts), which calls Django's API.
export function AskDjango() {
  const { data: session } = useSession();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const name = session?.user.name;
  useEffect(() => {
    fetch("/api/django-me", { cache: "no-store" })
      .then((response) => response.json() as Promise<Answer>)
      .then(setAnswer, () => setAnswer(null));
  }, [name]); // ask again when the session changes
  return (
    <section className="card">
      <h2>
        Django&apos;s API, called by the Next.js server: <code>GET /api/me</code>
      </h2>
      <p>
        Django says you are{" "}
        <strong data-testid="django-username">{answer?.body?.user?.username ?? "…"}</strong> (HTTP{" "}
        {answer?.status ?? "…"}).
      </p>
      <pre data-testid="django-me">{answer ? JSON.stringify(answer.body, null, 2) : "…"}</pre>
      <p className="note">
        The route handler forwards your session cookie; Django&apos;s NextAuthMiddleware and
        REST framework authentication read it.
      </p>
    </section>
  );
}
