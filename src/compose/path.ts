/** A path into a compose document: `['services', 'front', 'ports', 1]`. */
export type Path = readonly (string | number)[];

/** `services.front.ports[1]` — how paths appear in messages. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** A map key for a path (parts never contain NUL). */
export function pathKey(path: Path): string {
  return path.join('\u0000');
}
