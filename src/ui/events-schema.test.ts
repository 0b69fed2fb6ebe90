// docs/events.md is the contract of `--json`: every event type of src/events.ts documented with its
// fields, and what the JSON renderer writes valid against it. The checks read the tables of the
// document itself, so the document cannot drift from the code unnoticed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonRenderer } from './plain.js';
import { RECORDED, SAMPLES } from './recorded-events.js';

interface Field {
  type: string;
  required: boolean;
}

function parseDoc(): Map<string, { fields: Map<string, Field>; examples: string[] }> {
  const text = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'events.md'), 'utf8');
  const sections = new Map<string, { fields: Map<string, Field>; examples: string[] }>();
  const parts = text.split(/^### /m).slice(1);
  for (const part of parts) {
    const type = part.split('\n', 1)[0]!.trim();
    const fields = new Map<string, Field>();
    for (const row of part.matchAll(/^\| (\w+) \| ([^|]+) \| (yes|no) \|/gm)) fields.set(row[1]!, { type: row[2]!.trim(), required: row[3] === 'yes' });
    const examples = [...part.matchAll(/```json\n(.*)\n```/g)].map((m) => m[1]!);
    sections.set(type, { fields, examples });
  }
  return sections;
}

const COMMON: Map<string, Field> = new Map([
  ['schema', { type: 'number', required: true }],
  ['time', { type: 'string', required: true }],
  ['type', { type: 'string', required: true }],
]);

function problems(line: Record<string, unknown>, doc: ReturnType<typeof parseDoc>): string[] {
  const section = doc.get(String(line['type']));
  if (!section) return [`type ${String(line['type'])} is not documented`];
  const fields = new Map([...COMMON, ...section.fields]);
  const out: string[] = [];
  for (const [name, field] of fields) if (field.required && !(name in line)) out.push(`${line['type']}: ${name} missing`);
  for (const [name, value] of Object.entries(line)) {
    const field = fields.get(name);
    if (!field) {
      out.push(`${line['type']}: ${name} is not documented`);
      continue;
    }
    const ok =
      field.type === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : field.type.startsWith('enum: ')
          ? field.type.slice(6).split(', ').includes(String(value))
          : typeof value === field.type;
    if (!ok) out.push(`${line['type']}: ${name}=${JSON.stringify(value)} is not a ${field.type}`);
  }
  if (line['schema'] !== 1) out.push(`schema is ${String(line['schema'])}`);
  if (typeof line['time'] === 'string' && Number.isNaN(Date.parse(line['time']))) out.push(`time ${line['time']} is not a date`);
  return out;
}

describe('docs/events.md', () => {
  const doc = parseDoc();

  it('documents every event type of src/events.ts, each with an example, and nothing else', () => {
    expect([...doc.keys()].sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const [type, section] of doc) expect(section.examples.length, type).toBeGreaterThan(0);
  });

  it('lists every field each event type has in src/events.ts', () => {
    for (const sample of Object.values(SAMPLES)) {
      const fields = doc.get(sample.type)!.fields;
      for (const name of Object.keys(sample)) if (name !== 'type') expect(fields.has(name), `${sample.type}.${name}`).toBe(true);
    }
  });

  it('gives examples that are valid against its own tables', () => {
    for (const [type, section] of doc) {
      for (const example of section.examples) {
        const line = JSON.parse(example) as Record<string, unknown>;
        expect(line['type']).toBe(type);
        expect(problems(line, doc)).toEqual([]);
      }
    }
  });

  it('describes what the JSON renderer writes: one valid object per line, for a recorded run', () => {
    let out = '';
    const emit = jsonRenderer((t) => (out += t), () => new Date('2026-12-01T11:37:30.000Z'));
    RECORDED.forEach(emit);
    const lines = out.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(RECORDED.length);
    for (const text of lines) expect(problems(JSON.parse(text) as Record<string, unknown>, doc)).toEqual([]);
    expect(JSON.parse(lines[0]!)).toEqual({ schema: 1, time: '2026-12-01T11:37:30.000Z', ...RECORDED[0] });
  });

  it('catches what is not in the schema', () => {
    expect(problems({ schema: 1, time: 'x', type: 'log', service: 'a', container: 'b', stream: 'both', line: 1, extra: true }, doc).sort()).toEqual([
      'log: extra is not documented',
      'log: line=1 is not a string',
      'log: stream="both" is not a enum: stdout, stderr',
      'time x is not a date',
    ]);
    expect(problems({ schema: 1, time: '2026-12-01T00:00:00Z', type: 'log', service: 'a' }, doc)).toEqual(['log: container missing', 'log: stream missing', 'log: line missing']);
  });
});
