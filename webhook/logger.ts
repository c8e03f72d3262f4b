// JSON logs (pino), one object per line, level as a word so log stacks need no mapping table.
// Requests are logged at debug, denials at info, faults at error: at the default level a healthy
// webhook writes nothing per request, which keeps logging off the hot path.
import { pino } from "pino";
import type { DestinationStream, LevelWithSilent, Logger } from "pino";
import { boundArgs, boundedDestination, boundFields } from "./log-bounds.js";

export type { Logger };
export type LogLevel = LevelWithSilent;
export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** the `name` field of every line (default kaito-gitops-webhook) */
  readonly name?: string;
  /** where lines go; standard error by default, standard output being the caBundle's */
  readonly destination?: DestinationStream;
}

/** Every line is bounded (log-bounds.ts): fields clipped, then the whole line. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name ?? "kaito-gitops-webhook",
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: boundFields },
      hooks: {
        logMethod(args, method) {
          method.apply(this, boundArgs(args) as Parameters<typeof method>);
        },
      },
    },
    boundedDestination(options.destination ?? pino.destination({ fd: 2, sync: true })),
  );
}
