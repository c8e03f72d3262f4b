// Just enough of the Kubernetes API over HTTP for the controller's error paths: list, watch
// (newline-delimited events), server-side apply (objects and status), delete, with a global
// resourceVersion, and a fault hook that answers any request with an error instead. The main
// paths are proven against a real kube-apiserver (test/e2e/controller.test.ts); this fake
// exists to produce what a real one rarely does on demand: conflicts, 500s, dropped watches,
// 410 Gone.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly watch: boolean;
  readonly at: number;
}

/** Returns an error to send instead of serving the request, or undefined to serve it. */
export type Fault = (req: FakeRequest) => { code: number; reason: string; message?: string } | undefined;

export interface StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    managedFields?: { manager: string; operation: string; subresource?: string }[];
    [field: string]: unknown;
  };
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

interface Route {
  collection: string;
  apiVersion: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

interface Watcher {
  collection: string;
  namespace: string | undefined;
  res: ServerResponse;
}

/** "/apis/apps/v1/namespaces/ns/deployments/name/status" -> its parts. */
function route(path: string): Route | undefined {
  const parts = path.split("/").filter((p) => p !== "");
  let apiVersion: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1]) {
    apiVersion = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts[1] && parts[2]) {
    apiVersion = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  if (!plural) return undefined;
  return { collection: `${apiVersion}/${plural}`, apiVersion, namespace, name, subresource };
}

const keyOf = (namespace: string | undefined, name: string): string => `${namespace ?? ""}/${name}`;

export class FakeKubeApi {
  readonly requests: FakeRequest[] = [];
  fault: Fault | undefined;
  /** requests it matches get no answer at all (until stop()), as from an API server that hangs */
  stall: ((req: FakeRequest) => boolean) | undefined;
  private version = 1;
  private readonly store = new Map<string, Map<string, StoredObject>>();
  private readonly watchers = new Set<Watcher>();
  /**
   * Every event so far, so a watch from a list's resourceVersion gets what happened between the
   * list and the watch, as from a real API server (without it, an object written in that gap was
   * never seen: a flaky test).
   */
  private readonly history: { readonly version: number; readonly collection: string; readonly line: string; readonly namespace: string | undefined }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeKubeApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const api = new FakeKubeApi(server, `http://127.0.0.1:${port}`);
    server.on("request", (req, res) => void api.handle(req, res));
    return api;
  }

  kubeConfig(): KubeConfig {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: "fake", server: this.url, skipTLSVerify: true }],
      users: [{ name: "tester", token: "t0ken" }],
      contexts: [{ name: "fake", cluster: "fake", user: "tester" }],
      currentContext: "fake",
    });
    return config;
  }

  /** Writes an object as another client would (uid, resourceVersion, generation filled in). */
  put(collection: string, obj: StoredObject, options: { silent?: boolean } = {}): StoredObject {
    const objects = this.collection(collection);
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    const before = objects.get(key);
    const stored: StoredObject = structuredClone(obj);
    stored.metadata.uid ??= before?.metadata.uid ?? randomUUID();
    stored.metadata.generation ??= before?.metadata.generation ?? 1;
    stored.metadata.resourceVersion = String(++this.version);
    objects.set(key, stored);
    if (!options.silent) this.notify(collection, before ? "MODIFIED" : "ADDED", stored);
    return structuredClone(stored);
  }

  get(collection: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const found = this.collection(collection).get(keyOf(namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  /** Forgets every object of a collection, telling no watcher. */
  clear(collection: string): void {
    this.collection(collection).clear();
  }

  list(collection: string): StoredObject[] {
    return [...this.collection(collection).values()].map((o) => structuredClone(o));
  }

  /** Requests other than watches since index `from` (watches stay open and are not "work"). */
  calls(from = 0, filter: (r: FakeRequest) => boolean = () => true): FakeRequest[] {
    return this.requests.slice(from).filter((r) => !r.watch && filter(r));
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  /** Ends every watch cleanly, as an API server does at its request timeout. */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Tells every watcher its resourceVersion is too old (etcd compacted), then ends the watch. */
  expireWatches(): void {
    for (const w of this.watchers) {
      w.res.write(`${JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Expired", code: 410, message: "too old resource version" } })}\n`);
      w.res.end();
    }
    this.watchers.clear();
  }

  async stop(): Promise<void> {
    this.closeWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- serving -------------------------------------------------------------------------------

  private collection(name: string): Map<string, StoredObject> {
    let objects = this.store.get(name);
    if (!objects) {
      objects = new Map();
      this.store.set(name, objects);
    }
    return objects;
  }

  private notify(collection: string, type: "ADDED" | "MODIFIED" | "DELETED", obj: StoredObject): void {
    const line = `${JSON.stringify({ type, object: obj })}\n`;
    this.history.push({ version: this.version, collection, line, namespace: obj.metadata.namespace });
    for (const w of this.watchers) {
      if (w.collection !== collection || (w.namespace !== undefined && w.namespace !== obj.metadata.namespace)) continue;
      w.res.write(line);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const watch = url.searchParams.get("watch") === "true";
    const request: FakeRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      body: text === "" ? undefined : (JSON.parse(text) as unknown),
      watch,
      at: Date.now(),
    };
    this.requests.push(request);
    if (this.stall?.(request)) return;
    const fault = this.fault?.(request);
    if (fault) return this.status(res, fault.code, fault.reason, fault.message ?? `injected ${fault.code}`);
    const r = route(url.pathname);
    if (!r) return this.status(res, 404, "NotFound", "the server could not find the requested resource");

    if (request.method === "GET" && watch) {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.flushHeaders();
      const watcher: Watcher = { collection: r.collection, namespace: r.namespace, res };
      const since = Number(url.searchParams.get("resourceVersion") ?? NaN);
      if (Number.isSafeInteger(since)) {
        for (const e of this.history) {
          if (e.version > since && e.collection === r.collection && (r.namespace === undefined || r.namespace === e.namespace)) res.write(e.line);
        }
      }
      this.watchers.add(watcher);
      req.on("close", () => this.watchers.delete(watcher));
      return;
    }
    const objects = this.collection(r.collection);
    if (request.method === "GET" && r.name === undefined) {
      // Equality selectors only ("k=v,k2=v2"), the kind the clients under test send.
      const wanted = (url.searchParams.get("labelSelector") ?? "").split(",").filter((p) => p !== "").map((p) => p.split("=") as [string, string]);
      const items = [...objects.values()].filter(
        (o) => (r.namespace === undefined || o.metadata.namespace === r.namespace) && wanted.every(([k, v]) => o.metadata.labels?.[k] === v),
      );
      return this.json(res, 200, { kind: "List", apiVersion: r.apiVersion, metadata: { resourceVersion: String(this.version) }, items });
    }
    if (r.name === undefined) return this.status(res, 405, "MethodNotAllowed", "not supported by the fake");
    const key = keyOf(r.namespace, r.name);
    const existing = objects.get(key);
    if (request.method === "GET") return existing ? this.json(res, 200, existing) : this.status(res, 404, "NotFound", `${r.name} not found`);
    if (request.method === "DELETE") {
      if (!existing) return this.status(res, 404, "NotFound", `${r.name} not found`);
      objects.delete(key);
      this.notify(r.collection, "DELETED", existing);
      return this.json(res, 200, existing);
    }
    if (request.method === "PATCH" && req.headers["content-type"] === "application/apply-patch+yaml") {
      const body = request.body as StoredObject;
      const manager = url.searchParams.get("fieldManager") ?? "";
      if (r.subresource === "status") {
        if (!existing) return this.status(res, 404, "NotFound", `${r.name} not found`);
        if (JSON.stringify(existing.status) === JSON.stringify(body.status)) return this.json(res, 200, existing);
        const updated = { ...existing, status: body.status, metadata: { ...existing.metadata, resourceVersion: String(++this.version) } };
        objects.set(key, updated);
        this.notify(r.collection, "MODIFIED", updated);
        return this.json(res, 200, updated);
      }
      if (existing) {
        const { metadata, ...fields } = body;
        const changed = Object.entries(fields).some(([k, v]) => JSON.stringify(existing[k]) !== JSON.stringify(v));
        if (!changed) return this.json(res, 200, existing);
        const specChanged = JSON.stringify(existing.spec) !== JSON.stringify(body.spec);
        const updated: StoredObject = {
          ...existing,
          ...fields,
          metadata: {
            ...existing.metadata,
            ...(metadata.labels ? { labels: metadata.labels } : {}),
            resourceVersion: String(++this.version),
            generation: (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0),
          },
        };
        objects.set(key, updated);
        this.notify(r.collection, "MODIFIED", updated);
        return this.json(res, 200, updated);
      }
      const created: StoredObject = {
        ...body,
        metadata: { ...body.metadata, uid: randomUUID(), resourceVersion: String(++this.version), generation: 1, managedFields: [{ manager, operation: "Apply" }] },
      };
      objects.set(key, created);
      this.notify(r.collection, "ADDED", created);
      return this.json(res, 201, created);
    }
    return this.status(res, 405, "MethodNotAllowed", "not supported by the fake");
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code });
  }
}
