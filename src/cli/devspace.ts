/**
 * The entry of the bundle bin/devspace loads (dist/devspace.cjs, built by `npm run build`): the
 * command tree and the error formatter. Everything else — each command's stage and its libraries —
 * is reached through the dynamic imports of main.ts, which stay lazy inside the bundle.
 * `--version` does not load this bundle at all (dist/version.cjs).
 */
export { main, type Io } from './main.js';
export { formatError } from './format-error.js';
