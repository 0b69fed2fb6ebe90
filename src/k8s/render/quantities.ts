/**
 * Compose sizes and CPU counts as Kubernetes quantities: CPUs as millicores (0.25 → 250m, whole
 * numbers stay whole: 2 → 2), bytes in the largest binary unit that divides them (1.5g → 1536Mi).
 * x-devspace resources may already be Kubernetes quantities (250m, 512Mi) or compose ones (0.5, 1g).
 */
import { parseBytes } from '../../compose/units.js';

export function cpuQuantity(cpus: number): string {
  const milli = Math.round(cpus * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export function memoryQuantity(bytes: number): string {
  const units: [string, number][] = [['Ti', 1024 ** 4], ['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]];
  for (const [unit, size] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** An x-devspace CPU value: a number or "0.5" is CPUs, "250m" is already millicores. */
export function cpuSetting(value: number | string): string {
  if (typeof value === 'number') return cpuQuantity(value);
  if (/^[0-9]+m$/.test(value)) return value;
  return cpuQuantity(Number(value));
}

/** An x-devspace memory value: Kubernetes binary/decimal units stay, compose units (1g, 512mb) are converted. */
export function memorySetting(value: number | string): string {
  if (typeof value === 'string' && /^[0-9.]+(Ki|Mi|Gi|Ti|k|M|G|T)$/.test(value)) return value;
  const bytes = parseBytes(value);
  return bytes === undefined ? String(value) : memoryQuantity(bytes);
}

/** A compose duration in milliseconds as whole seconds for probe and grace period fields (at least `min`). */
export function seconds(ms: number, min = 1): number {
  return Math.max(min, Math.ceil(ms / 1000));
}
