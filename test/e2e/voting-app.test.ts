// The example app end to end, as the README promises: `devspace up -d` builds both images from
// debian:bookworm-slim (made offline by scripts/base-images.sh), the page answers on 127.0.0.1,
// a vote is counted in Redis, a second `up` changes nothing, and `down -v` leaves no trace.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, dockerEngineOrSkip } from '../integration/docker-env.js';
import { containerIds, devspace, forceCleanup, freePort, labelled, root, uniqueName } from './run-env.js';

const engine = await dockerEngineOrSkip('voting-app e2e test');
const name = uniqueName('voting');
afterAll(() => forceCleanup(name), 120_000);

describe.skipIf(!engine)('the example app (fixtures/voting-app)', () => {
  it('comes up, counts a vote in Redis, stays put on a second up, and goes without a trace', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'devspace-voting-')), 'voting-app');
    cpSync(join(root, 'fixtures', 'voting-app'), dir, { recursive: true });
    const port = await freePort();
    const env = { FRONT_PORT: String(port) };

    const up = await devspace(['-p', name, 'up', '-d'], dir, env, 600_000);
    expect(up.stderr).toBe('');
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`${name}-front-1: Up .*\\(healthy\\) +http://127\\.0\\.0\\.1:${port}`));

    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Cats vs Dogs');
    const before = (await (await fetch(`http://127.0.0.1:${port}/api/votes`)).json()) as Record<string, number>;
    const vote = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: new URLSearchParams({ vote: 'Cats' }) });
    expect(vote.status).toBeLessThan(400);
    const after = (await (await fetch(`http://127.0.0.1:${port}/api/votes`)).json()) as Record<string, number>;
    expect(after['Cats']).toBe((before['Cats'] ?? 0) + 1);
    // The count lives in Redis, in the back end's container.
    const redis = await docker(['exec', `${name}-back-1`, 'redis-cli', 'hget', 'votes', 'Cats']);
    expect(Number(String(redis.stdout).trim())).toBe(after['Cats']);

    const ids = await containerIds(name);
    const again = await devspace(['-p', name, 'up', '-d'], dir, env);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).not.toContain('building');
    expect(await containerIds(name)).toEqual(ids);

    const down = await devspace(['-p', name, 'down', '-v', '--rmi', 'local'], dir, env);
    expect(down.exitCode).toBe(0);
    expect(await labelled(name)).toEqual({ containers: [], networks: [], volumes: [], images: [] });
  }, 900_000);
});
