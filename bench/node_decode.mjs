// Times next-auth's (v4) and @auth/core's (v5) own `decode`, for bench/decode.py.
//
// Reads one JSON request per line on stdin and answers each with one JSON line:
//   {"version": "v4" | "v5", "params": {token, secret, salt}, "number": N, "repeat": R}
//   -> {"us": <best microseconds per call>, "claims": <the decoded claims>}
// The method matches the Python side: warm up, then the best of R runs of N calls.
import { createInterface } from "node:readline";
import { readFileSync } from "node:fs";

const modules = new URL("../tests/interop/node_modules/", import.meta.url);
const v4 = await import(new URL("next-auth/jwt/index.js", modules));
const v5 = await import(new URL("@auth/core/jwt.js", modules));
const decoders = { v4: v4.decode ?? v4.default.decode, v5: v5.decode };
const version = (name) =>
  JSON.parse(readFileSync(new URL(`${name}/package.json`, modules), "utf8")).version;

async function time(decode, params, number, repeat) {
  for (let i = 0; i < number; i++) await decode(params); // warm-up (JIT, key caches)
  let best = Infinity;
  for (let r = 0; r < repeat; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < number; i++) await decode(params);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e3 / number);
  }
  return best;
}

const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
out({ "next-auth": version("next-auth"), "@auth/core": version("@auth/core"), node: process.version });
for await (const line of createInterface({ input: process.stdin })) {
  const { version: v, params, number, repeat } = JSON.parse(line);
  const us = await time(decoders[v], params, number, repeat);
  out({ us, claims: await decoders[v](params) }); // proves the timed calls decoded the token
}
