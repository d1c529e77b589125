// The real token functions of next-auth 4 (v4) and @auth/core (v5), for test_jwt_interop.py.
//
// stdin:  {"cases": [{"id", "op", "version", ...params}, ...]}
//   op "encode":     next-auth / @auth/core `encode({token: payload, secret, salt, maxAge})`
//   op "decode":     their `decode({token, secret, salt})`; "token_from": "<id>" decodes the
//                    token an earlier case encoded
//   op "encode_gcm": a kid-less v5 A256GCM token, built with @auth/core's own key derivation
//                    (HKDF-SHA256, 32 bytes) and jose, the way @auth/core accepts them
// stdout: {"<id>": {"ok": true, "value": <token or claims>} | {"ok": false, "error": "..."}}
import { readFileSync } from "node:fs";
import { hkdf } from "@panva/hkdf";
import { EncryptJWT } from "jose";
import * as v5 from "@auth/core/jwt";
import * as v4 from "next-auth/jwt";

const packages = { v4, v5 };

async function encodeGcm({ payload, secret, salt, maxAge = 2592000 }) {
  const key = await hkdf("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 32);
  const now = Math.floor(Date.now() / 1000);
  return new EncryptJWT(payload)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt(now)
    .setExpirationTime(now + maxAge)
    .setJti(crypto.randomUUID())
    .encrypt(key);
}

async function run({ op, version, payload, token, secret, salt: givenSalt, maxAge }) {
  const jwt = packages[version];
  const salt = givenSalt ?? undefined; // JSON null: the package's default salt
  if (op === "encode") return jwt.encode({ token: payload, secret, salt, maxAge });
  if (op === "decode") {
    const claims = await jwt.decode({ token, secret, salt });
    if (claims === null) throw new Error("decode returned null");
    return claims;
  }
  if (op === "encode_gcm") return encodeGcm({ payload, secret, salt, maxAge });
  throw new Error(`unknown op ${op}`);
}

const { cases } = JSON.parse(readFileSync(0, "utf8"));
const results = {};
for (const c of cases) {
  if (c.token_from) c.token = results[c.token_from].value;
  try {
    results[c.id] = { ok: true, value: await run(c) };
  } catch (error) {
    results[c.id] = { ok: false, error: `${error.name}: ${error.message}` };
  }
}
process.stdout.write(JSON.stringify(results));
