// The logging the controller needs: pino's call shape (fields first, then the message), so the
// serve command can hand over the webhook's pino logger and tests can pass a silent one.

export interface LogFn {
  (fields: Record<string, unknown>, message: string): void;
}

export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}

const ignore: LogFn = () => undefined;

export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
