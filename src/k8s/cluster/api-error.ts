/**
 * client-node's errors: an ApiException with `code` (HTTP status) and `body` (the API server's
 * Status, as text or parsed). Watches fail with plain errors carrying a `statusCode`.
 */
export function errorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** The Status object of a failed request, parsed. */
export function errorStatus(error: unknown): unknown {
  const body = (error as { body?: unknown }).body;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return { message: body };
  }
}

/** The API server's own words for a failed request, else the error's message. */
export function errorMessage(error: unknown): string {
  const status = errorStatus(error) as { message?: string } | undefined;
  return status?.message ?? (error as Error).message ?? String(error);
}

export const isNotFound = (error: unknown) => errorCode(error) === 404;
