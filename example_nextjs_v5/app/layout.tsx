import type { Metadata } from "next";
import type { ReactNode } from "react";

import "./globals.css";
import { Header } from "./header";
import { Providers } from "./providers";

export const metadata: Metadata = { title: "Next.js + django-nextauth" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <Header />
          <main>{children}</main>
        </Providers>
        <footer>
          One NextAuth session cookie, read and written by both servers with the same secret.
          Source: <code>example_nextjs_v5/</code> (Next.js, next-auth 5) and <code>example_project/</code>{" "}
          (Django); set-up: <code>docs/nextjs.md</code>.
        </footer>
      </body>
    </html>
  );
}
