// /readyz: the webhook takes traffic only when every gate is open. Gates are named so the answer
// says what is missing ("settings: loading", "certificates: waiting for Secret ns/name") instead
// of a bare 503, and so a later component (the controller) can add its own.
export interface GateState {
  readonly ready: boolean;
  readonly detail: string;
}

export interface Readiness {
  /** registers a gate, closed until opened */
  gate(name: string, detail: string): void;
  set(name: string, ready: boolean, detail: string): void;
  /** closes every gate for good: the server is shutting down */
  drain(): void;
  readonly draining: boolean;
  isReady(): boolean;
  report(): Readonly<Record<string, GateState>>;
  /** resolves the first time every gate is open */
  whenReady(): Promise<void>;
}

export function createReadiness(): Readiness {
  const gates = new Map<string, GateState>();
  let draining = false;
  const waiters: (() => void)[] = [];

  const isReady = (): boolean => !draining && [...gates.values()].every((g) => g.ready);
  const settle = (): void => {
    if (!isReady()) return;
    for (const resolve of waiters.splice(0)) resolve();
  };

  return {
    gate(name, detail) {
      gates.set(name, { ready: false, detail });
    },
    set(name, ready, detail) {
      gates.set(name, { ready, detail });
      settle();
    },
    drain() {
      draining = true;
    },
    get draining() {
      return draining;
    },
    isReady,
    report() {
      const out: Record<string, GateState> = Object.fromEntries(gates);
      if (draining) out["shutdown"] = { ready: false, detail: "shutting down" };
      return out;
    },
    whenReady() {
      if (isReady()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
