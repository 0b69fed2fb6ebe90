/** Reading the errors dockerode rejects with: the HTTP status and the engine's own message. */
interface EngineError {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

export function statusOf(error: unknown): number | undefined {
  return (error as EngineError | undefined)?.statusCode;
}

/** The engine's own message ("Conflict. The container name … is already in use"), not dockerode's prefix. */
export function engineMessage(error: unknown): string {
  const json = (error as EngineError | null)?.json;
  if (json && typeof json.message === 'string') return json.message.trim();
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}
