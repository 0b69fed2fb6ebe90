// Bundles the CLI into dist/ (npm run build; docs/architecture.md "Start-up"). Start-up reads and
// compiles only what a command needs, so the code is cut into CommonJS bundles that bin/devspace
// loads on demand, each with its own V8 code cache:
//   dist/devspace.cjs   the command tree, the error formatter and `config` (what issue 2 times);
//   dist/commands.cjs   the stages of the other commands (up, build, ps, …), required when one runs;
//   dist/<lib>.cjs      each library in APART, required where src/ imports it;
//   dist/version.cjs    the version, for `--version` alone.
// Every module is in exactly one bundle: commands.cjs takes the modules it shares with the main
// bundle from it (one instance of each class and module state, as in a single bundle).
// dockerode is bundled minus two heavy parts it carries for BuildKit: sessions (gRPC) and progress
// decoding (protobuf) — never used: we build with the classic builder and follow progress
// ourselves — and ssh2, loaded only when an ssh:// engine is used. See src/engine/vendor/.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inkPatches } from './ink-patches.mjs';

/**
 * Self-contained libraries that only some commands use, bundled into files of their own. Even
 * unused, a library costs start-up inside a bundle (its bytes are read, and an ES module's
 * top-level functions become the bundle's, in its code cache). A module that such a library
 * shares with the rest of the CLI gets a second copy, so the build fails on one unless it is in
 * TWICE_OK: stateless, with no class that an instanceof could tell apart.
 *   dockerode: the engine commands (src/engine/connect.ts).
 *   execa: push, for git and Docker credential helpers (src/cli/push-command.ts).
 *   chokidar: watch --poll only (src/watch/watcher.ts; inotify watching is directory-watcher.ts).
 *   @kubernetes/client-node: deploy, delete, scale, ps/logs --context (src/k8s/cluster/), as
 *   dist/kubernetes-client.cjs.
 *   react, react/jsx-runtime, ink: the terminal UI of `up` (src/ui/tui/), loaded only when it is
 *   shown; ink takes react from react.cjs (one React, or hooks break). See scripts/ink-patches.mjs.
 * A name with a slash is bundled as dist/<name with - for />.cjs.
 */
const APART = ['dockerode', 'execa', 'chokidar', 'react', 'react/jsx-runtime', 'ink', '@kubernetes/client-node'];
const apartFile = (name) => (name === '@kubernetes/client-node' ? 'kubernetes-client' : name.replace(/\//g, '-'));
/** Shared by dockerode and src/build/context.ts: a pure function of the ignore patterns. */
const TWICE_OK = ['node_modules/@balena/dockerignore/'];

/** The stages src/cli/main.ts imports that stay in the main bundle; its other imports go to commands.cjs. */
const IN_MAIN = new Set(['./config-command.js']);

const root = fileURLToPath(new URL('..', import.meta.url));
const vendor = (file) => fileURLToPath(new URL(`../src/engine/vendor/${file}`, import.meta.url));
const mainTs = resolve(root, 'src/cli/main.ts');

/** @type {import('esbuild').Plugin} */
const trimDockerode = {
  name: 'trim-dockerode',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) => (/[\\/]dockerode[\\/]lib$/.test(args.resolveDir) ? { path: vendor(`dockerode-${args.path.slice(2)}.cjs`) } : undefined));
    b.onResolve({ filter: /^ssh2$/ }, (args) => (/[\\/]docker-modem[\\/]lib$/.test(args.resolveDir) ? { path: vendor('lazy-ssh2.cjs') } : { path: 'ssh2', external: true }));
  },
};

/**
 * @kubernetes/client-node's `cp` (tar-fs, and through it tar-stream, which the CLI bundles for build
 * contexts) is never used by devspace: a stand-in that says so keeps tar-stream out of its bundle.
 * @type {import('esbuild').Plugin}
 */
const trimKubernetesClient = {
  name: 'trim-kubernetes-client',
  setup(b) {
    b.onResolve({ filter: /^tar-fs$/ }, (args) => (/[\\/]@kubernetes[\\/]client-node[\\/]/.test(args.importer) ? { path: 'tar-fs', namespace: 'no-tar-fs' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'no-tar-fs' }, () => ({
      contents: "const no = () => { throw new Error('devspace does not bundle tar-fs: @kubernetes/client-node cp is not available'); };\nmodule.exports = { pack: no, extract: no };",
      loader: 'js',
    }));
  },
};

/** `import … from 'dockerode'` becomes `require('./dockerode.cjs')`. @type {import('esbuild').Plugin} */
const requireApart = {
  name: 'require-apart',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${APART.join('|')})$`) }, (args) => ({ path: `./${apartFile(args.path)}.cjs`, external: true }));
  },
};

/** In the libraries' build: ink (and react-reconciler) take react from react.cjs rather than a copy of their own. @type {import('esbuild').Plugin} */
const reactApart = {
  name: 'react-apart',
  setup(b) {
    b.onResolve({ filter: /^react(\/jsx-runtime)?$/ }, (args) => (args.pluginData === 'apart-entry' ? undefined : { path: `./${apartFile(args.path)}.cjs`, external: true }));
  },
};

/** The entry points `apart:<name>`: each library resolved as an import from src/ would resolve it. @type {import('esbuild').Plugin} */
const apartEntries = {
  name: 'apart-entries',
  setup(b) {
    b.onResolve({ filter: /^apart:/ }, async (args) => {
      const resolved = await b.resolve(args.path.slice('apart:'.length), { kind: 'import-statement', resolveDir: root, pluginData: 'apart-entry' });
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

/**
 * In the main bundle: main.ts's `import('./up-command.js')` (every stage not IN_MAIN) becomes
 * `require('./commands.cjs')['./up-command.js']()`, still on demand. Records the stages in `stages`.
 * @returns {import('esbuild').Plugin}
 */
function commandsApart(stages) {
  return {
    name: 'commands-apart',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.importer !== mainTs || IN_MAIN.has(args.path)) return undefined;
        stages.add(args.path);
        return { path: args.path, namespace: 'stage' };
      });
      b.onLoad({ filter: /.*/, namespace: 'stage' }, (args) => ({
        contents: `module.exports = require('./commands.cjs')[${JSON.stringify(args.path)}]();`,
        loader: 'js',
      }));
      b.onResolve({ filter: /^\.\/commands\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/**
 * The entry of the main bundle: src/cli/devspace.ts, plus `__shared(file)`, through which
 * commands.cjs reaches the modules it shares with the main bundle (`shared`: their paths).
 * @returns {import('esbuild').Plugin}
 */
function mainEntry(shared) {
  return {
    name: 'main-entry',
    setup(b) {
      b.onResolve({ filter: /^main-entry$/ }, () => ({ path: 'main-entry', namespace: 'main-entry' }));
      b.onLoad({ filter: /.*/, namespace: 'main-entry' }, () => {
        const cases = [...shared].sort().map((file) => `    case ${JSON.stringify(key(file))}: return require(${JSON.stringify(file)});`);
        return {
          contents: `export * from './src/cli/devspace.ts';\nexport function __shared(file) {\n  switch (file) {\n${cases.join('\n')}\n  }\n}\n`,
          resolveDir: root,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * In commands.cjs: an import that resolves to a module of the main bundle (`inMain`) becomes
 * `require('./devspace.cjs').__shared(file)`, and the module is recorded in `shared`.
 * @returns {import('esbuild').Plugin}
 */
function fromMain(inMain, shared) {
  return {
    name: 'from-main',
    setup(b) {
      b.onResolve({ filter: /^\.\/devspace\.cjs$/ }, (args) => ({ path: args.path, external: true }));
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'from-main' || args.kind === 'entry-point') return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'from-main' });
        if (resolved.errors.length > 0 || resolved.external || !inMain.has(resolved.path)) return undefined;
        shared.add(resolved.path);
        return { path: key(resolved.path), namespace: 'from-main' };
      });
      b.onLoad({ filter: /.*/, namespace: 'from-main' }, (args) => ({
        contents: `module.exports = require('./devspace.cjs').__shared(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

const key = (file) => relative(root, file).split('\\').join('/');
const filesOf = (metafile) => new Set(Object.keys(metafile.inputs).filter((input) => !input.includes(':')).map((input) => resolve(root, input)));

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
  write: false,
  metafile: true,
  absWorkingDir: root,
};

const stages = new Set();
const commandsEntry = () => ({
  contents: `module.exports = {\n${[...stages].sort().map((stage) => `  ${JSON.stringify(stage)}: () => require(${JSON.stringify(stage.replace(/\.js$/, '.ts'))}),`).join('\n')}\n};\n`,
  resolveDir: resolve(root, 'src/cli'),
  sourcefile: 'commands-entry.js',
  loader: 'js',
});

// Which modules the main bundle holds depends on which of them commands.cjs shares (__shared keeps
// all of a shared module's exports, and what they import); so build both until that is settled.
const shared = new Set();
let main, commands;
for (let round = 1; ; round++) {
  const sharedBefore = shared.size;
  main = await build({ ...common, entryPoints: [{ in: 'main-entry', out: 'devspace' }, 'src/cli/version.ts'], plugins: [mainEntry(shared), requireApart, lazyChildProcess, commandsApart(stages)] });
  const inMain = filesOf(main.metafile);
  commands = await build({ ...common, stdin: commandsEntry(), outdir: undefined, outExtension: undefined, outfile: 'dist/commands.cjs', plugins: [requireApart, fromMain(inMain, shared)] });
  if (shared.size === sharedBefore && round > 1) {
    const twice = [...filesOf(commands.metafile)].filter((file) => inMain.has(file));
    if (twice.length > 0) throw new Error(`in both dist/devspace.cjs and dist/commands.cjs: ${twice.map(key).join(', ')}`);
    break;
  }
  if (round === 5) throw new Error('scripts/build.mjs: the modules shared by dist/devspace.cjs and dist/commands.cjs did not settle');
}
// NODE_ENV: React's production build (the development one is several times larger and slower).
const libraries = await build({ ...common, entryPoints: APART.map((name) => ({ in: `apart:${name}`, out: apartFile(name) })), define: { 'process.env.NODE_ENV': '"production"' }, plugins: [apartEntries, reactApart, inkPatches, trimDockerode, trimKubernetesClient] });
const inLibraries = filesOf(libraries.metafile);
const copied = [...filesOf(main.metafile), ...filesOf(commands.metafile)].map(key).filter((file) => inLibraries.has(resolve(root, file)) && !TWICE_OK.some((ok) => file.startsWith(ok)));
if (copied.length > 0) throw new Error(`in a bundle of APART and in the CLI's: ${copied.join(', ')}`);

mkdirSync(resolve(root, 'dist'), { recursive: true });
for (const { outputFiles } of [main, commands, libraries]) {
  for (const { path, contents } of outputFiles) writeFileSync(path, contents);
}
