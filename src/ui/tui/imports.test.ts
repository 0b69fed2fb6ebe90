// The terminal UI only draws: it never talks to the engine, runs processes or calls the cluster
// (issue 8: "Ink components never import dockerode, execa or the Kubernetes client"). Actions reach
// those through functions injected by the command. Checked on the source of every file under src/ui/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ui = join(import.meta.dirname, '..');
const FORBIDDEN = /^(dockerode|docker-modem|execa|@kubernetes\/client-node|node:child_process|child_process)(\/|$)/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('src/ui imports', () => {
  const all = files(ui);

  it('finds the renderers', () => {
    expect(all.map((f) => relative(ui, f))).toEqual(expect.arrayContaining(['plain.ts', join('tui', 'app.tsx'), join('tui', 'start-tui.tsx'), join('tui', 'model.ts')]));
  });

  it('never imports the engine client, process runners or the Kubernetes client, directly or through src/ modules outside src/ui', () => {
    for (const file of all) {
      for (const spec of imports(file)) {
        expect(FORBIDDEN.test(spec), `${relative(ui, file)} imports ${spec}`).toBe(false);
        // Other src/ modules could carry those in: only types (erased) and the events module may be imported from outside src/ui.
        if (spec.startsWith('.')) {
          const target = join(file, '..', spec);
          if (!target.startsWith(ui)) expect(relative(join(ui, '..'), target), `${relative(ui, file)} imports ${spec}`).toBe('events.js');
        }
      }
    }
  });
});
