// Helpers for tests that talk to the real test Kubernetes cluster (test/cluster/cluster.sh).
//
//   const cluster = await connectTestCluster('my feature');   // top level of a test file
//   describe.skipIf(!cluster)('my feature', () => { ... cluster!.kubectl(['get', 'pods']) ... });
//
// Where the kubeconfig comes from: $DEVSPACE_TEST_KUBECONFIG, else `test/cluster/cluster.sh kubeconfig`
// (the cluster the script started). When no cluster answers: in CI (process.env.CI set) that is an
// error that fails the test file loudly; elsewhere the tests are skipped with a printed reason
// (start one with `test/cluster/cluster.sh start`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const CLUSTER_SCRIPT = fileURLToPath(new URL('./cluster.sh', import.meta.url));
export const CONTEXT = 'devspace-test';

/** Annotation (on a pod or a pod template) that makes kwok fail the pod instead of making it Ready. */
export const FAIL_ANNOTATION = 'devspace.test/fail';
export type FailMode = 'CrashLoopBackOff' | 'ImagePullBackOff' | 'NotReady';

export interface KubectlOptions {
  /** Written to kubectl's standard input (e.g. a manifest for `apply -f -`). */
  input?: string;
  /** Milliseconds before kubectl is killed; default 30 s. */
  timeoutMs?: number;
}

export interface TestCluster {
  kubeconfig: string;
  /** The kubectl binary used (the one built with the API server when available). */
  kubectlPath: string;
  /** Runs kubectl against the test cluster and returns its standard output; throws on failure. */
  kubectl(args: readonly string[], options?: KubectlOptions): Promise<string>;
  /** Like kubectl(), with `-o json` appended and the output parsed. */
  kubectlJson<T = unknown>(args: readonly string[], options?: KubectlOptions): Promise<T>;
}

async function script(...args: string[]): Promise<string | undefined> {
  const r = await execa('bash', [CLUSTER_SCRIPT, ...args], { reject: false, timeout: 15_000 });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** The test cluster's kubeconfig path, or undefined when there is none. */
export async function findKubeconfig(): Promise<string | undefined> {
  const fromEnv = process.env.DEVSPACE_TEST_KUBECONFIG;
  if (fromEnv) return fromEnv;
  return script('kubeconfig');
}

export function makeTestCluster(kubeconfig: string, kubectlPath: string): TestCluster {
  const kubectl = async (args: readonly string[], options: KubectlOptions = {}): Promise<string> => {
    const r = await execa(kubectlPath, ['--kubeconfig', kubeconfig, '--context', CONTEXT, ...args], {
      input: options.input ?? '',
      timeout: options.timeoutMs ?? 30_000,
      reject: false,
    });
    if (r.exitCode !== 0 || r.timedOut) {
      const why = r.timedOut ? 'timed out' : `exited ${String(r.exitCode)}`;
      throw new Error(`kubectl ${args.join(' ')} ${why}: ${r.stderr || r.stdout}`);
    }
    return r.stdout;
  };
  return {
    kubeconfig,
    kubectlPath,
    kubectl,
    async kubectlJson<T = unknown>(args: readonly string[], options?: KubectlOptions): Promise<T> {
      return JSON.parse(await kubectl([...args, '-o', 'json'], options)) as T;
    },
  };
}

/** Connects to the test cluster, or says why it cannot (undefined reason = connected). */
export async function probeTestCluster(): Promise<{ cluster?: TestCluster; reason?: string }> {
  const kubeconfig = await findKubeconfig();
  if (!kubeconfig) {
    return { reason: 'no test cluster: DEVSPACE_TEST_KUBECONFIG is unset and `test/cluster/cluster.sh kubeconfig` found none' };
  }
  if (!existsSync(kubeconfig)) return { reason: `kubeconfig ${kubeconfig} does not exist` };
  const kubectlPath = (await script('kubectl-path')) ?? 'kubectl';
  const cluster = makeTestCluster(kubeconfig, kubectlPath);
  try {
    const ready = await cluster.kubectl(['get', '--raw', '/readyz'], { timeoutMs: 15_000 });
    if (ready.trim() !== 'ok') return { reason: `API server not ready: ${ready}` };
  } catch (error) {
    return { reason: `test cluster (${kubeconfig}) not reachable: ${(error as Error).message}` };
  }
  return { cluster };
}

/**
 * The test cluster for a test file's Kubernetes tests. Without a reachable cluster: throws in CI
 * (the file fails loudly: Kubernetes tests are never silently skipped there); elsewhere prints why and
 * returns undefined so the caller can `describe.skipIf(!cluster)`.
 */
export async function connectTestCluster(what: string): Promise<TestCluster | undefined> {
  const { cluster, reason } = await probeTestCluster();
  if (cluster) return cluster;
  if (process.env.CI) {
    throw new Error(
      `${what}: ${reason ?? 'no test cluster'}. CI must start it first: test/cluster/cluster.sh start ` +
        '(logs under ${DEVSPACE_TEST_CLUSTER_DIR:-/tmp/devspace-test-cluster}/logs).',
    );
  }
  console.warn(`[skip] ${what}: ${reason ?? 'no test cluster'}. Start one with: test/cluster/cluster.sh start`);
  return undefined;
}

/**
 * Polls `check` until it returns a value other than undefined/false, or throws after timeoutMs with
 * the last observation in the message.
 */
export async function waitFor<T>(
  description: string,
  check: () => Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 500 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A namespace name unique to this run, e.g. `smoke-lq3k9x-1a2b`. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
}
