import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors.js';
import { autoscalerOf, checkAutoscaledCount, parseScalePairs } from './scale.js';

const hpa = (name: string, target: string, min?: number, max = 10, ours = true) => ({
  metadata: { name, labels: (ours ? { 'app.kubernetes.io/managed-by': 'devspace' } : {}) as Record<string, string> },
  spec: { scaleTargetRef: { kind: 'Deployment', name: target }, ...(min !== undefined && { minReplicas: min }), maxReplicas: max },
});

describe('scale', () => {
  it('parses SERVICE=N pairs and refuses what is not one', () => {
    expect(parseScalePairs(['front=5', 'back=0'], ['front', 'back'])).toEqual([{ service: 'front', replicas: 5 }, { service: 'back', replicas: 0 }]);
    expect(() => parseScalePairs(['front'], ['front'])).toThrow(UserError);
    expect(() => parseScalePairs(['web=2'], ['front'])).toThrow(/no such service: web/);
    expect(() => parseScalePairs(['front=-1'], ['front'])).toThrow(/whole number/);
    expect(() => parseScalePairs([], ['front'])).toThrow(/nothing to scale/);
  });

  it('finds the autoscaler that targets the workload (ours first), with min defaulting to 1', () => {
    expect(autoscalerOf([hpa('other', 'back'), hpa('front', 'front', undefined, 10)], 'Deployment', 'front')).toEqual({ name: 'front', min: 1, max: 10 });
    expect(autoscalerOf([hpa('theirs', 'front', 2, 4, false), hpa('front', 'front', 3, 6)], 'Deployment', 'front')).toEqual({ name: 'front', min: 3, max: 6 });
    expect(autoscalerOf([hpa('front', 'front')], 'StatefulSet', 'front')).toBeUndefined();
    expect(autoscalerOf([], 'Deployment', 'front')).toBeUndefined();
  });

  it('a count outside the autoscaler range is a user error that says what to change', () => {
    const range = { name: 'front', min: 2, max: 10 };
    expect(() => checkAutoscaledCount('front', 2, range)).not.toThrow();
    expect(() => checkAutoscaledCount('front', 10, range)).not.toThrow();
    for (const n of [1, 11]) {
      let error: unknown;
      try {
        checkAutoscaledCount('front', n, range);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe(`front is autoscaled between 2 and 10 (HorizontalPodAutoscaler front): it would undo front=${n} at once`);
      expect((error as UserError).nextSteps.join('\n')).toMatch(/x-devspace\.autoscale/);
    }
  });
});
