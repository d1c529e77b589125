/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Django's pages end in "/" (/dashboard/). Next.js would redirect /dashboard/ to /dashboard,
  // and Django back again: let such paths reach proxy.ts unchanged instead.
  skipTrailingSlashRedirect: true,
};

export default nextConfig;
