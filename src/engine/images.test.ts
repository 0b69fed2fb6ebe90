import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { ImageBuildError, ImageClient, splitReference } from './images.js';

/** A Docker whose build endpoint answers with the given stream chunks. */
function fakeDocker(chunks: string[], seen: { options?: unknown } = {}): Docker {
  return {
    buildImage: async (_context: unknown, options: unknown) => {
      seen.options = options;
      return Readable.from(chunks);
    },
  } as unknown as Docker;
}

describe('ImageClient.build', () => {
  it('extracts steps from stream chunks that split lines, and returns the aux image ID', async () => {
    const steps: string[] = [];
    const seen: { options?: Record<string, unknown> } = {};
    const client = new ImageClient(fakeDocker(['{"stream":"Step 1/2 : FR"}\n', '{"stream":"OM busybox\\n ---\\u003e abc\\nStep 2/2 : RUN true\\n"}\n', '{"aux":{"ID":"sha256:feed"}}\n'], seen as { options?: unknown }));
    const id = await client.build(Readable.from([]), { dockerfile: 'Dockerfile', tags: ['a', 'b'], extrahosts: ['h:1.2.3.4'] }, { onStep: (s) => steps.push(s) });
    expect(id).toBe('sha256:feed');
    expect(steps).toEqual(['Step 1/2 : FROM busybox', 'Step 2/2 : RUN true']);
    expect(seen.options).toMatchObject({ t: ['a', 'b'], extrahosts: ['h:1.2.3.4'], dockerfile: 'Dockerfile', rm: true });
  });

  it('fails with the step, the engine message, the exit code and the tail', async () => {
    const client = new ImageClient(fakeDocker([
      '{"stream":"Step 2/3 : RUN make\\n"}\n',
      '{"stream":"cc: error: x.c: no such file\\n"}\n',
      '{"errorDetail":{"code":2,"message":"The command \'/bin/sh -c make\' returned a non-zero code: 2"},"error":"…"}\n',
    ]));
    const error = await client.build(Readable.from([]), { dockerfile: 'Dockerfile', tags: ['a'] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ImageBuildError);
    expect(error).toMatchObject({ step: 'Step 2/3 : RUN make', code: 2, tail: ['Step 2/3 : RUN make', 'cc: error: x.c: no such file'], message: "The command '/bin/sh -c make' returned a non-zero code: 2" });
  });
});

describe('splitReference', () => {
  it('splits tags, digests and registry ports like Docker', () => {
    expect(splitReference('busybox')).toEqual({ repo: 'busybox', tag: 'latest' });
    expect(splitReference('localhost:5000/app')).toEqual({ repo: 'localhost:5000/app', tag: 'latest' });
    expect(splitReference('localhost:5000/app:v2')).toEqual({ repo: 'localhost:5000/app', tag: 'v2' });
    expect(splitReference('app@sha256:abc')).toEqual({ repo: 'app', tag: 'sha256:abc' });
  });
});
