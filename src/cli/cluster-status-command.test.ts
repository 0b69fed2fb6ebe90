import { describe, expect, it } from 'vitest';
import { logErrorText } from './cluster-status-command.js';

describe('logs --context: why a pod gave no log', () => {
  it('is one line that says what the HTTP status means, never the raw exception with its headers', () => {
    // client-node's ApiException for a 404 from pods/log: no body, the headers in the message.
    const notFound = Object.assign(new Error('HTTP-Code: 404\nMessage: Error occurred in log request\nBody: undefined\nHeaders: {"audit-id":"x"}'), { code: 404, body: undefined });
    expect(logErrorText(notFound, 'ns')).toBe('the cluster has none for it (HTTP 404: the pod is gone, or its node serves no logs, as virtual nodes such as kwok do not)');
    expect(logErrorText(Object.assign(new Error('x'), { code: 403 }), 'shop')).toBe('your user may not read pods/log in shop (HTTP 403)');
    // A 500 (or 400) is read: the API server's own words.
    expect(logErrorText(Object.assign(new Error('x'), { code: 400, body: { message: 'container "front" in pod "front-1" is waiting to start: ContainerCreating' } }), 'ns')).toBe('container "front" in pod "front-1" is waiting to start: ContainerCreating (HTTP 400)');
    expect(logErrorText(Object.assign(new Error('x'), { code: 502 }), 'ns')).toBe('the API server answered HTTP 502');
    expect(logErrorText(new Error('socket hang up\nmore'), 'ns')).toBe('socket hang up');
  });
});
