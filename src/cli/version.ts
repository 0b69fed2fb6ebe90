/** Kept in step with package.json by test/e2e/cli.test.ts. */
export const VERSION = '0.1.0';
