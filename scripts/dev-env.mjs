// Local development helpers shared by `npm start` (scripts/hello.mjs) and `npm run token`.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { SignJWT } from 'jose';

const DEV_VARS = '.dev.vars';
const EXAMPLE = '.dev.vars.example';

// wrangler.toml [vars] defaults (docs/configuration.md#variables); .dev.vars may override them.
const DEFAULT_ISSUER = 'http://localhost:18000/oauth2';
const DEFAULT_AUDIENCE = 'lms-key';

export const DEV_ORIGIN = 'http://127.0.0.1:8787';

/** Creates .dev.vars from the example when missing; returns true when it did. */
export function ensureDevVars() {
  if (existsSync(DEV_VARS)) return false;
  copyFileSync(EXAMPLE, DEV_VARS);
  return true;
}

/** Reads .dev.vars (dotenv syntax: KEY=VALUE, # comments, optional quotes). */
export function readDevVars() {
  ensureDevVars();
  const vars = {};
  for (const raw of readFileSync(DEV_VARS, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) continue;
    const key = line
      .slice(0, eq)
      .trim()
      .replace(/^export\s+/, '');
    let value = line.slice(eq + 1).trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    vars[key] = value;
  }
  return vars;
}

/** An HS256 edX JWT for `username`, signed with JWT_SECRET_KEY from .dev.vars, valid for a day. */
export async function signDevToken(username, { staff = false, email } = {}) {
  const vars = readDevVars();
  if (!vars.JWT_SECRET_KEY) throw new Error(`JWT_SECRET_KEY is not set in ${DEV_VARS}`);
  return new SignJWT({
    preferred_username: username,
    email: email ?? `${username}@example.com`,
    administrator: staff,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(vars.JWT_ISSUER || DEFAULT_ISSUER)
    .setAudience(vars.JWT_AUDIENCE || DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1d')
    .sign(new TextEncoder().encode(vars.JWT_SECRET_KEY));
}
