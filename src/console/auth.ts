/**
 * Who may use the console: one operator credential from the environment (CONSOLE_USER, CONSOLE_PASSWORD or
 * CONSOLE_PASSWORD_HASH), checked in constant time, and the sessions of those who signed in, kept in this process
 * (an id in a signed, HttpOnly, SameSite=Strict cookie; nothing else about the user leaves the server).
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** The operator's credential; the password itself is never kept, only what checks it. */
export interface ConsoleCredentials {
  readonly user: string;
  /** Whether a user name and password sign in (constant time in the password). */
  readonly check: (user: string, password: string) => boolean;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

// Equal-length digests, so the comparison takes the same time whatever the lengths and contents.
const sameText = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** scrypt$N$r$p$salt$hash, salt and hash in base64: what CONSOLE_PASSWORD_HASH holds. */
const SCRYPT_HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=_-]+)\$([A-Za-z0-9+/=_-]+)$/;

/** A CONSOLE_PASSWORD_HASH value for a password (scrypt, N=16384, r=8, p=1, a random 16-byte salt). */
export const hashPassword = (password: string, salt: Buffer = randomBytes(16)): string =>
  `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;

/**
 * The credential the environment gives, or what is missing: CONSOLE_USER (default `operator`) and either
 * CONSOLE_PASSWORD or CONSOLE_PASSWORD_HASH (scrypt, see `hashPassword`). The message never contains a secret.
 */
export const credentialsFromEnv = (
  env: Readonly<Record<string, string | undefined>>,
):
  | { readonly ok: true; readonly credentials: ConsoleCredentials }
  | { readonly ok: false; readonly message: string } => {
  const user = env.CONSOLE_USER === undefined || env.CONSOLE_USER === '' ? 'operator' : env.CONSOLE_USER;
  const hash = env.CONSOLE_PASSWORD_HASH;
  if (hash !== undefined && hash !== '') {
    const m = SCRYPT_HASH.exec(hash);
    if (m === null) return { ok: false, message: 'CONSOLE_PASSWORD_HASH is not of the form scrypt$N$r$p$salt$hash' };
    const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const salt = Buffer.from(m[4] as string, 'base64');
    const expected = Buffer.from(m[5] as string, 'base64');
    if (expected.length < 16 || N < 2 || (N & (N - 1)) !== 0 || r < 1 || p < 1)
      return { ok: false, message: 'CONSOLE_PASSWORD_HASH has unusable scrypt parameters' };
    return {
      ok: true,
      credentials: {
        user,
        check: (u, password) => {
          const got = scryptSync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
          // Both checks always run, so a wrong user takes as long as a wrong password.
          return [sameText(u, user), timingSafeEqual(got, expected)].every(Boolean);
        },
      },
    };
  }
  const password = env.CONSOLE_PASSWORD;
  if (password === undefined || password === '')
    return { ok: false, message: 'the console needs CONSOLE_PASSWORD (or CONSOLE_PASSWORD_HASH) in the environment' };
  return {
    ok: true,
    credentials: { user, check: (u, p) => [sameText(u, user), sameText(p, password)].every(Boolean) },
  };
};

/** A signed-in user's session. */
export interface ConsoleSession {
  readonly id: string;
  readonly user: string;
  expiresAt: number;
}

/** The sessions of this process: opened at sign-in, renewed on use, closed at sign-out or after idling. */
export interface SessionStore {
  readonly open: (user: string) => ConsoleSession;
  /** The live session of that id (its idle time renewed), or null. */
  readonly find: (id: string) => ConsoleSession | null;
  readonly close: (id: string) => void;
}

/** An in-memory session store; a session ends after `idleMs` without a request. */
export const sessionStore = (idleMs: number, now: () => number = Date.now): SessionStore => {
  const sessions = new Map<string, ConsoleSession>();
  const sweep = (at: number): void => {
    for (const [id, s] of sessions) if (s.expiresAt <= at) sessions.delete(id);
  };
  return {
    open: (user) => {
      const at = now();
      sweep(at);
      const session: ConsoleSession = { id: randomBytes(24).toString('base64url'), user, expiresAt: at + idleMs };
      sessions.set(session.id, session);
      return session;
    },
    find: (id) => {
      const at = now();
      const session = sessions.get(id);
      if (session === undefined) return null;
      if (session.expiresAt <= at) {
        sessions.delete(id);
        return null;
      }
      session.expiresAt = at + idleMs;
      return session;
    },
    close: (id) => {
      sessions.delete(id);
    },
  };
};
