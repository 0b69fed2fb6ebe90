/**
 * depends_on → rollout waves: each wave holds the services whose dependencies are all in earlier
 * waves, so `deploy` applies and waits for databases before the services that need them. The
 * loader already rejected cycles and unknown dependencies; a dependency on a service that is not
 * rendered (profiles) is simply not waited for.
 */
export function dependencyWaves(dependsOn: Record<string, string[]>): string[][] {
  const remaining = new Set(Object.keys(dependsOn));
  const done = new Set<string>();
  const waves: string[][] = [];
  while (remaining.size > 0) {
    const wave = [...remaining].filter((s) => (dependsOn[s] ?? []).every((d) => done.has(d) || !(d in dependsOn))).sort();
    // A cycle the loader did not catch: put the rest in one wave instead of looping forever.
    const next = wave.length > 0 ? wave : [...remaining].sort();
    for (const s of next) {
      remaining.delete(s);
      done.add(s);
    }
    waves.push(next);
  }
  return waves;
}
