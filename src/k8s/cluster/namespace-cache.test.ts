import { KubeConfig, type KubernetesObjectApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors.js';
import { NamespaceCache } from './namespace-cache.js';

const forbidden = () => Object.assign(new Error('HTTP-Code: 403'), { code: 403 });

describe('NamespaceCache with a user of limited rights', () => {
  it('one who may not list the pods cannot follow a rollout: a user error naming what is missing', async () => {
    const api = { list: (_v: string, kind: string) => (kind === 'Pod' ? Promise.reject(forbidden()) : new Promise(() => undefined)) } as unknown as KubernetesObjectApi;
    const cache = new NamespaceCache(new KubeConfig(), api, 'shop', 'a=b');
    const error = await cache.start().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('cannot follow the rollout: your user may not list pods in namespace shop (HTTP 403)');
  });
});
