// A SecretStore in memory, with the same optimistic-concurrency contract as the Kubernetes one.
// For tests, and for running the webhook locally without a cluster.
import type { SecretStore, StoredBundle } from "./secret-store.js";
import type { CertBundle } from "./types.js";

export interface MemoryStoreStats {
  reads: number;
  creates: number;
  replaces: number;
  /** creates and replaces that actually changed the stored bundle */
  writes: number;
}

export class MemorySecretStore implements SecretStore {
  readonly stats: MemoryStoreStats = { reads: 0, creates: 0, replaces: 0, writes: 0 };
  private stored: StoredBundle | undefined;
  private version = 0;

  constructor(initial?: CertBundle) {
    if (initial !== undefined) this.put(initial);
  }

  /** What the "Secret" holds now. */
  get current(): StoredBundle | undefined {
    return this.stored;
  }

  /** Overwrites unconditionally, as a human with kubectl would. */
  put(bundle: CertBundle): StoredBundle {
    this.version += 1;
    this.stored = { bundle: { ...bundle }, resourceVersion: String(this.version) };
    return this.stored;
  }

  async read(): Promise<StoredBundle | undefined> {
    this.stats.reads += 1;
    await Promise.resolve();
    return this.stored;
  }

  async create(bundle: CertBundle): Promise<"created" | "exists"> {
    this.stats.creates += 1;
    await Promise.resolve();
    if (this.stored !== undefined) return "exists";
    this.put(bundle);
    this.stats.writes += 1;
    return "created";
  }

  async replace(bundle: CertBundle, resourceVersion: string): Promise<"replaced" | "conflict"> {
    this.stats.replaces += 1;
    await Promise.resolve();
    if (this.stored?.resourceVersion !== resourceVersion) return "conflict";
    this.put(bundle);
    this.stats.writes += 1;
    return "replaced";
  }
}
