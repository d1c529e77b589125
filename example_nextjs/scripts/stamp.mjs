// Prints a hash of what `npm ci` ("install") or `next build` ("build") of an app depends on
// (this one, or the one whose directory is given: ../example_nextjs_v5), so run.sh can skip
// them while nothing changed. run.sh keeps the hashes in node_modules/.install-stamp and
// .next/.build-stamp.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [kind, appDir] = process.argv.slice(2);
const app = appDir ? resolve(appDir) : fileURLToPath(new URL("..", import.meta.url));
// Not read by `next build`: the installed packages (the lock file stands for them), the build
// output and what `next build` writes itself, and these helpers and docs.
const IGNORED = new Set(["node_modules", ".next", "next-env.d.ts", "scripts", "run.sh", "README.md"]);

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !IGNORED.has(entry.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? sources(path) : [path];
    });
}

if (kind !== "install" && kind !== "build") {
  console.error("usage: node scripts/stamp.mjs install|build [app-dir]");
  process.exit(2);
}
const files = kind === "install" ? ["package.json", "package-lock.json"].map((f) => join(app, f)) : sources(app);
const hash = createHash("sha256").update(`${kind} ${process.platform} ${process.arch}\n`);
for (const file of files.sort()) {
  hash.update(`${relative(app, file)}\n`).update(readFileSync(file)).update("\n");
}
console.log(hash.digest("hex"));
