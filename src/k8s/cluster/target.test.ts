import { describe, expect, it } from 'vitest';
import { whereFlags } from './target.js';

describe('whereFlags', () => {
  it('gives the flags that reach the same cluster and namespace, quoted for a shell where needed', () => {
    expect(whereFlags({ contextName: 'kind-dev', namespace: 'voting-app' })).toBe('--context kind-dev -n voting-app');
    expect(whereFlags({ contextName: 'arn:aws:eks:eu-west-1:1:cluster/prod', namespace: 'shop', kubeconfig: "/home/me/my configs/it's.yaml", environment: 'prod' })).toBe(
      `--context arn:aws:eks:eu-west-1:1:cluster/prod --kubeconfig '/home/me/my configs/it'\\''s.yaml' --env prod -n shop`,
    );
  });
});
