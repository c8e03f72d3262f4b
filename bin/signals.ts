// Long-running commands (serve, controller) stop on the first SIGTERM or SIGINT, after `stop`
// has finished (drain, Lease release); a second signal exits at once.

export interface Stopping<T> {
  /** resolves with what `stop` returned, after the first signal */
  readonly stopped: Promise<T>;
  /** stop listening for signals (the command is ending for another reason) */
  dispose(): void;
}

export function untilSignal<T>(stop: () => Promise<T>, onSignal?: (signal: NodeJS.Signals) => void): Stopping<T> {
  // Keeps the process alive while nothing else does (a controller between its watch connections).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let handler: (signal: NodeJS.Signals) => void = () => undefined;
  const dispose = (): void => {
    clearInterval(keepAlive);
    process.off("SIGTERM", handler);
    process.off("SIGINT", handler);
  };
  const stopped = new Promise<T>((resolve) => {
    handler = (signal) => {
      dispose();
      onSignal?.(signal);
      // Impatience (a second Ctrl-C) wins over the drain bound.
      process.once(signal, () => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
      void stop().then(resolve);
    };
    process.on("SIGTERM", handler);
    process.on("SIGINT", handler);
  });
  return { stopped, dispose };
}
