// Expected failures of a request (unknown id, unknown stage, bad query) as data: a status and one
// line. The error handler sends `{error}` with that status; anything else is a 500 without a stack.
export class HttpError extends Error {
  constructor(
    readonly statusCode: 400 | 403 | 404 | 405 | 409 | 503,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The one line a client gets for an error: the first line of its message. */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return (message.split("\n")[0] ?? "").trim() || "error";
}
