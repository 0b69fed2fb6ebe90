/**
 * Narrow wrappers over dockerode for images: the few operations the build stage and `down
 * --rmi` need, with Docker's in-stream failures turned into exceptions and build output turned
 * into steps and an output tail. The Docker object is passed in (engine resolution lives
 * elsewhere), so tests can hand in a fake with the same few methods.
 */
import type Docker from 'dockerode';
import { followProgress, ProgressStreamError, type ProgressMessage } from './progress.js';
import { engineMessage } from './engine-error.js';

export type ImageInspect = Docker.ImageInspectInfo;
export type ImageSummary = Docker.ImageInfo;

/** What `build` passes to the engine (the Engine API's /build query parameters we use). */
export interface ImageBuildParams {
  /** Path of the Dockerfile inside the context tar. */
  dockerfile: string;
  /** Every tag the image gets; the first is the main one. */
  tags: string[];
  buildargs?: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
  nocache?: boolean;
  pull?: boolean;
  networkmode?: string;
  shmsize?: number;
  extrahosts?: string[];
  platform?: string;
  cachefrom?: string[];
}

export interface BuildCallbacks {
  /** A `Step N/M : INSTRUCTION` line, as the engine printed it. */
  onStep?: (step: string) => void;
  /** Every complete output line (steps included). */
  onOutput?: (line: string) => void;
  /** Aborts the request; the engine then stops the build. */
  signal?: AbortSignal;
}

export interface PullProgress {
  layer: string;
  status: string;
  current?: number;
  total?: number;
}

/** A build that failed: the step it failed in and the last lines of its output. */
export class ImageBuildError extends Error {
  override readonly name = 'ImageBuildError';
  constructor(
    message: string,
    readonly step: string | undefined,
    readonly tail: string[],
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

/** How many output lines a failed build keeps. */
export const OUTPUT_TAIL_LINES = 30;

const STEP = /^Step \d+\/\d+ : /;

/** Splits `name[:tag|@digest]` the way Docker does (a colon before a slash is a registry port). */
export function splitReference(reference: string): { repo: string; tag: string } {
  const at = reference.indexOf('@');
  if (at >= 0) return { repo: reference.slice(0, at), tag: reference.slice(at + 1) };
  const colon = reference.lastIndexOf(':');
  if (colon > reference.lastIndexOf('/')) return { repo: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repo: reference, tag: 'latest' };
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 404;
}

export class ImageClient {
  constructor(private readonly docker: Docker) {}

  /** The image's inspect data, or undefined when the engine does not have it. */
  async inspect(reference: string): Promise<ImageInspect | undefined> {
    try {
      return await this.docker.getImage(reference).inspect();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Images carrying every one of `labels` (`{key: value}`; an empty value matches any value). */
  async listByLabel(labels: Record<string, string>): Promise<ImageSummary[]> {
    const label = Object.entries(labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
    return this.docker.listImages({ filters: JSON.stringify({ label }) });
  }

  /**
   * Builds from a context tar with the classic builder and returns the image ID. Follows the
   * progress stream: steps and lines go to the callbacks; an error message becomes an
   * ImageBuildError with the step it happened in and the output tail.
   */
  async build(context: NodeJS.ReadableStream, params: ImageBuildParams, callbacks: BuildCallbacks = {}): Promise<string> {
    const { tags, extrahosts, cachefrom, ...rest } = params;
    // dockerode's typing says string for these, but the querystring encoder repeats array
    // values (`t=a&t=b`), which is what the engine reads for several tags and extra hosts.
    const options = {
      ...rest,
      t: tags,
      ...(extrahosts && extrahosts.length > 0 ? { extrahosts } : {}),
      ...(cachefrom && cachefrom.length > 0 ? { cachefrom } : {}),
      rm: true,
      forcerm: true,
      ...(callbacks.signal ? { abortSignal: callbacks.signal } : {}),
    } as unknown as Docker.ImageBuildOptions;
    const tail: string[] = [];
    let step: string | undefined;
    let imageId: string | undefined;
    let shortId: string | undefined;
    let partial = '';
    const line = (text: string) => {
      if (STEP.test(text)) {
        step = text;
        callbacks.onStep?.(text);
      }
      const built = /^Successfully built ([0-9a-f]+)$/.exec(text);
      if (built) shortId = built[1];
      tail.push(text);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      callbacks.onOutput?.(text);
    };
    const onMessage = (message: ProgressMessage) => {
      if (typeof message.aux?.['ID'] === 'string') imageId = message.aux['ID'];
      const text = message.stream ?? (message.status !== undefined ? `${message.status}\n` : undefined);
      if (text === undefined) return;
      // `stream` chunks are not lines: one message may hold several lines or half of one.
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) line(l.replace(/\r$/, ''));
    };

    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(context, options);
    } catch (error) {
      // The engine refused the request itself (bad parameter, unreadable tar).
      throw new ImageBuildError(`the engine refused the build: ${engineMessage(error)}`, undefined, tail, undefined);
    }
    try {
      await followProgress(stream, onMessage);
    } catch (error) {
      if (partial !== '') line(partial);
      const code = error instanceof ProgressStreamError ? error.code : undefined;
      throw new ImageBuildError((error as Error).message, step, [...tail], code);
    }
    if (partial !== '') line(partial);
    if (imageId === undefined && shortId !== undefined) imageId = (await this.inspect(shortId))?.Id;
    if (imageId === undefined && tags[0] !== undefined) imageId = (await this.inspect(tags[0]))?.Id;
    if (imageId === undefined) throw new ImageBuildError('the engine reported no image ID for the build', step, [...tail], undefined);
    return imageId;
  }

  /** Pulls `reference` (`:latest` when it names no tag), reporting per-layer progress. */
  async pull(reference: string, onProgress: (progress: PullProgress) => void = () => {}, options: { platform?: string; authconfig?: Docker.AuthConfig; signal?: AbortSignal } = {}): Promise<void> {
    const { repo, tag } = splitReference(reference);
    // The tag is always explicit: without one the engine pulls every tag of the repository.
    const stream = (await this.docker.createImage(options.authconfig as Docker.AuthConfig, {
      fromImage: repo,
      tag,
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.signal ? { abortSignal: options.signal } : {}),
    })) as NodeJS.ReadableStream;
    await followProgress(stream, (message) => {
      if (message.status === undefined) return;
      onProgress({
        layer: message.id ?? '',
        status: message.status,
        ...(message.progressDetail?.current !== undefined ? { current: message.progressDetail.current } : {}),
        ...(message.progressDetail?.total !== undefined ? { total: message.progressDetail.total } : {}),
      });
    });
  }

  /** Gives `image` (an ID or reference) the reference `target`. */
  async tag(image: string, target: string): Promise<void> {
    const { repo, tag } = splitReference(target);
    await this.docker.getImage(image).tag({ repo, tag });
  }

  /** Removes an image; true when it was removed, false when it was not there. */
  async remove(reference: string, options: { force?: boolean; noprune?: boolean } = {}): Promise<boolean> {
    try {
      await this.docker.getImage(reference).remove(options);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

/** The engine's own message from a dockerode error (`(HTTP code 400) … - <message>`). */
