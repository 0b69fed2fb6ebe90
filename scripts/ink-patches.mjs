// Patches to ink and yoga-layout for bundling them into CommonJS (dist/ink.cjs, scripts/build.mjs)
// and for long-running log views; also used by bench/tui.mjs so that it measures what ships.
import { readFile } from 'node:fs/promises';

/**
 * ink and yoga-layout (its layout engine, WebAssembly) are ES modules with top-level await, which
 * a CommonJS bundle cannot hold: ink awaits only its React DevTools hook-up (when DEV=true) and
 * yoga the instantiation of its WebAssembly, which it embeds as base64. So the DevTools part is
 * cut, and yoga is instantiated synchronously through Emscripten's instantiateWasm hook (handed
 * the embedded module). And ink's text measurement caches every text it ever measured, which for
 * a log view is every line shown: that cache is cleared when it reaches 10,000 texts, so memory
 * stays bounded however long `up` runs. And incremental rendering's return to the top of the frame
 * is fixed (below). The build fails if a patch no longer applies (a new ink or yoga).
 * @type {import('esbuild').Plugin}
 */
export const inkPatches = {
  name: 'ink-patches',
  setup(b) {
    const patched = (filter, pairs) =>
      b.onLoad({ filter }, async (args) => {
        let contents = await readFile(args.path, 'utf8');
        for (const [from, to] of pairs) {
          if (!from.test(contents)) throw new Error(`${args.path} changed; update scripts/ink-patches.mjs (${from})`);
          contents = contents.replace(from, to);
        }
        return { contents, loader: 'js' };
      });
    patched(/[\\/]ink[\\/]build[\\/]reconciler\.js$/, [
      [/if \(isDev\(\)\) \{\s*try \{\s*await import\('\.\/devtools\.js'\);[\s\S]*?\n\}\n/, ''],
      [/async function loadPackageJson\(\) \{[\s\S]*?\n\}\n/, ''],
      [/isDev\(\)\s*\?\s*await loadPackageJson\(\)\s*:/, 'false ? undefined :'],
    ]);
    // Incremental rendering returns to the frame's top one row short when the last frame ended with
    // a newline (every frame that is shorter than the terminal does): each frame then starts one row
    // down, and the first frame's top line stays on the screen as a stale copy (seen in tmux). The
    // cursor sits on the row after such a frame, so it must go up as many rows as the frame has.
    patched(/[\\/]ink[\\/]build[\\/]log-update\.js$/, [
      [/buffer\.push\(ansiEscapes\.cursorUp\(previousVisible - 1\)\);/, "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));"],
    ]);
    // Ink draws every frame into a grid of styled characters (each line tokenised grapheme by
    // grapheme, then encoded again): 70 % of a log view's frame work in bench/tui.mjs. When each
    // row of the frame is written once, from column 0, with nothing clipped (every row of our
    // screen: one <Text> per row, no borders or overlaps), the row is that text as it is; only
    // frames that overlap or clip still take the grid.
    patched(/[\\/]ink[\\/]build[\\/]output\.js$/, [
      [
        /\n    get\(\) \{\n/,
        `
    get() {
        const rows = new Array(this.height).fill('');
        const written = new Uint8Array(this.height);
        for (const operation of this.operations) {
            if (operation.type === 'clip') return this.getGrid();
            if (operation.type !== 'write') continue;
            if (operation.x !== 0) return this.getGrid();
            const lines = operation.text.split('\\n');
            for (let index = 0; index < lines.length; index++) {
                const y = operation.y + index;
                if (y < 0 || y >= this.height) continue;
                if (written[y]) return this.getGrid();
                written[y] = 1;
                let line = lines[index];
                for (const transformer of operation.transformers) line = transformer(line, index);
                rows[y] = line.trimEnd();
            }
        }
        return { output: rows.join('\\n'), height: this.height };
    }
    getGrid() {
`,
      ],
    ]);
    // Each frame measured every text's width again (string-width, grapheme by grapheme), although
    // layout had just measured the same text through measure-text's cache: ask the cache.
    patched(/[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/, [
      [/^import widestLine from 'widest-line';/m, "import measureText from './measure-text.js';"],
      [/const currentWidth = widestLine\(text\);/, 'const currentWidth = measureText(text).width;'],
    ]);
    patched(/[\\/]ink[\\/]build[\\/]measure-text\.js$/, [[/cache\.set\(text, dimensions\);/, 'if (cache.size >= 10000) cache.clear();\n    cache.set(text, dimensions);']]);
    patched(/[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/, [
      [/import\.meta\.url/, 'undefined'],
      [/h\.instantiateWasm\(d,\s*a\)/, 'h.instantiateWasm(d,a,H)'],
    ]);
    patched(/[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/, [
      [
        /const Yoga = wrapAssembly\(await loadYoga\(\)\);/,
        `const module = {
  instantiateWasm(imports, receive, uri) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64')), imports);
    receive(instance);
    return instance.exports;
  },
};
loadYoga(module);
if (!module.calledRun) throw new Error('yoga-layout did not start synchronously');
const Yoga = wrapAssembly(module);`,
      ],
    ]);
  },
};
