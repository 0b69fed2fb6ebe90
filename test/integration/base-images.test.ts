// The offline base images made by scripts/base-images.sh are in the engine and run.
import { describe, expect, it } from 'vitest';
import { docker, dockerEngineOrSkip, imageLabels } from './docker-env.js';

const LABEL = 'dev.devspace.test-base-image';
const HINT = 'run scripts/base-images.sh';

const engine = await dockerEngineOrSkip('base image tests');

describe.skipIf(!engine)('base images', () => {
  it.each(['busybox:latest', 'debian:bookworm-slim'])('%s exists (made offline by our script in CI)', async (image) => {
    const labels = await imageLabels(image);
    expect(labels, `${image} is missing; ${HINT}`).toBeDefined();
    // On a laptop the real upstream image may be there instead; in CI it must be ours, since
    // nothing can be pulled there.
    if (process.env.CI) expect(labels?.[LABEL], `${image} lacks the ${LABEL} label; ${HINT}`).toBe('true');
  });

  it('busybox:latest runs', async () => {
    const r = await docker(['run', '--rm', '--network', 'none', 'busybox:latest', 'echo', 'ok']);
    expect(String(r.stdout).trim()).toBe('ok');
  });

  it('debian:bookworm-slim runs Debian 12', async () => {
    const r = await docker(['run', '--rm', '--network', 'none', 'debian:bookworm-slim', 'cat', '/etc/debian_version']);
    expect(String(r.stdout).trim()).toMatch(/^12(\.|$)/);
  });
});
