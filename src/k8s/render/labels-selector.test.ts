import { describe, expect, it } from 'vitest';
import { k8sProjectSelector } from '../../labels.js';
import { objectLabels } from './names.js';

describe('k8sProjectSelector', () => {
  it('selects the labels objectLabels writes, also for names that are not label values as they are', () => {
    for (const [project, environment] of [['shop', undefined], ['shop', 'eu west/prod'], [`a${'b'.repeat(70)}`, 'staging-']] as const) {
      const labels = objectLabels({ project, ...(environment !== undefined && { environment }) });
      const selector = k8sProjectSelector(project, environment);
      for (const pair of selector.split(',')) {
        const [key, value] = pair.split('=') as [string, string];
        expect(labels[key], `${key} for ${project}/${environment}`).toBe(value);
      }
    }
  });
});
