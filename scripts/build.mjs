// Bundles the CLI into dist/ (npm run build; docs/architecture.md "Start-up"): one CommonJS file
// for the CLI, a tiny one for --version, and one file for each of the libraries that only some
// commands use (APART). dockerode is bundled minus two heavy parts it carries for BuildKit:
// sessions (gRPC) and progress decoding (protobuf) — never used: we build with the classic builder
// and follow progress ourselves — and ssh2, loaded only when an ssh:// engine is used. See
// src/engine/vendor/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * Libraries bundled into files of their own, dist/<name>.cjs, which dist/devspace.cjs requires
 * only where src/ imports them (bin/devspace loads each with its own V8 code cache). A command
 * that never reaches that import — `config`, `--help` — then neither reads nor compiles them:
 * even unused, a library costs start-up inside the main bundle (its bytes are read, and an ES
 * module's top-level functions become the bundle's, in its code cache). Only self-contained
 * libraries belong here: one that shares a module with the rest of the CLI would get a second copy.
 *   dockerode: the engine commands (src/engine/connect.ts).
 *   execa: push, for git and Docker credential helpers (src/cli/push-command.ts).
 *   chokidar: watch (src/watch/watcher.ts).
 */
const APART = ['dockerode', 'execa', 'chokidar'];

const root = fileURLToPath(new URL('..', import.meta.url));
const vendor = (file) => fileURLToPath(new URL(`../src/engine/vendor/${file}`, import.meta.url));

/** @type {import('esbuild').Plugin} */
const trimDockerode = {
  name: 'trim-dockerode',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) => (/[\\/]dockerode[\\/]lib$/.test(args.resolveDir) ? { path: vendor(`dockerode-${args.path.slice(2)}.cjs`) } : undefined));
    b.onResolve({ filter: /^ssh2$/ }, (args) => (/[\\/]docker-modem[\\/]lib$/.test(args.resolveDir) ? { path: vendor('lazy-ssh2.cjs') } : { path: 'ssh2', external: true }));
  },
};

const apartFilter = new RegExp(`^(${APART.join('|')})$`);

/** In the main bundle: `import … from 'dockerode'` becomes `require('./dockerode.cjs')`. @type {import('esbuild').Plugin} */
const requireApart = {
  name: 'require-apart',
  setup(b) {
    b.onResolve({ filter: apartFilter }, (args) => ({ path: `./${args.path}.cjs`, external: true }));
  },
};

/** The entry points `apart:<name>`: each library resolved as an import from src/ would resolve it. @type {import('esbuild').Plugin} */
const apartEntries = {
  name: 'apart-entries',
  setup(b) {
    b.onResolve({ filter: /^apart:/ }, async (args) => {
      const resolved = await b.resolve(args.path.slice('apart:'.length), { kind: 'import-statement', resolveDir: root });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
    });
  },
};

/**
 * commander requires node:child_process at load, only to spawn the executables of stand-alone
 * subcommands (`program.command('x', 'description')`), which devspace does not define; loading it
 * (with net and dgram) is ≈1 ms of every start. This gives commander the same spawn, on first use.
 * @type {import('esbuild').Plugin}
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]lib$/.test(args.resolveDir) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "module.exports = { get spawn() { return require('node:child_process').spawn; } };",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
  minifySyntax: true,
  minifyWhitespace: true,
};

await Promise.all([
  build({ ...common, entryPoints: ['src/cli/devspace.ts', 'src/cli/version.ts'], plugins: [requireApart, lazyChildProcess] }),
  build({ ...common, entryPoints: APART.map((name) => ({ in: `apart:${name}`, out: name })), plugins: [apartEntries, trimDockerode] }),
]);
