// Bundles the CLI into dist/ (npm run build; docs/architecture.md "Start-up"): one CommonJS file
// for the CLI and a tiny one for --version. dockerode is bundled too, minus two heavy parts it
// carries for BuildKit: sessions (gRPC) and progress decoding (protobuf) — never used: we build
// with the classic builder and follow progress ourselves — and
// ssh2, loaded only when an ssh:// engine is used. See src/engine/vendor/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const vendor = (file) => fileURLToPath(new URL(`../src/engine/vendor/${file}`, import.meta.url));

/** @type {import('esbuild').Plugin} */
const trimDockerode = {
  name: 'trim-dockerode',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) => (/[\\/]dockerode[\\/]lib$/.test(args.resolveDir) ? { path: vendor(`dockerode-${args.path.slice(2)}.cjs`) } : undefined));
    b.onResolve({ filter: /^ssh2$/ }, (args) => (/[\\/]docker-modem[\\/]lib$/.test(args.resolveDir) ? { path: vendor('lazy-ssh2.cjs') } : { path: 'ssh2', external: true }));
  },
};

await build({
  entryPoints: ['src/cli/devspace.ts', 'src/cli/version.ts'],
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
  plugins: [trimDockerode],
});
