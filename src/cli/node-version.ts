// The Node.js version check of the installed command: pure, with no imports, so that it loads on any Node.js.

/** The oldest Node.js the dependencies run on (MikroORM 7 asks for 22.17); package.json's `engines` says the same. */
export const MINIMUM_NODE = '22.17.0';

/** Whether `version` (as in `process.versions.node`) is at least `minimum`. */
export const nodeAtLeast = (version: string, minimum: string): boolean => {
  const have = version.split('.').map((n) => Number.parseInt(n, 10));
  const need = minimum.split('.').map((n) => Number.parseInt(n, 10));
  for (let i = 0; i < need.length; i++) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
};
