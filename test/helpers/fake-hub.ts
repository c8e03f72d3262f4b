// A fake Hugging Face hub on 127.0.0.1 (HTTP, or HTTPS with a test CA): the three API routes
// `models add` uses, serving KAITO's corpus answers, plus hostile repositories that misbehave the
// ways a real hub or network can. Every request is recorded (path, whether a token came along).
import { createHash } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { issueBundle } from "../../certs/index.js";
import { corpusHubModels } from "./hub-answers.js";

export const FAKE_HUB_TOKEN = "hf_fake_token_for_tests";

export interface FakeRepo {
  /** The id as published (answers match any letter case). */
  readonly id: string;
  readonly tree: string;
  readonly config?: string;
  /** Refuse requests without the token with 401 (and a wrong token with 403). */
  readonly gated?: boolean;
  readonly sha?: string;
}

export interface RecordedRequest {
  readonly path: string;
  readonly authorization: boolean;
}

export interface FakeHub {
  readonly url: string;
  /** PEM of the CA that signed the HTTPS certificate (HTTPS only). */
  readonly ca?: string;
  readonly requests: RecordedRequest[];
  /** Replace or add a repository (e.g. to move its revision for `models verify`). */
  setRepo(repo: FakeRepo): void;
  shaOf(id: string): string;
  close(): Promise<void>;
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/** A file list with a single safetensors file of this many bytes. */
const oneFile = (bytes: number) => JSON.stringify([{ type: "file", path: "config.json", size: 600 }, { type: "file", path: "model.safetensors", size: bytes }]);
const smallConfig = JSON.stringify({ architectures: ["LlamaForCausalLM"], hidden_size: 2048, num_hidden_layers: 22, num_attention_heads: 32, num_key_value_heads: 4, max_position_embeddings: 2048 });

/** Repositories that misbehave; each name says how. */
export const HOSTILE = {
  /** 429 with Retry-After: 1 for the first two requests, then a normal model. */
  rateLimited: "hostile/rate-limited",
  /** 429 with Retry-After: 1, always. */
  alwaysLimited: "hostile/always-limited",
  /** 429 asking to wait an hour. */
  longRetryAfter: "hostile/long-retry-after",
  /** Answers after 3 s. */
  slow: "hostile/slow",
  /** config.json of 20 MB, streamed without a Content-Length. */
  hugeConfig: "hostile/huge-config",
  /** The file list is cut in the middle of the JSON. */
  badJson: "hostile/bad-json",
  /** config.json is not JSON. */
  badConfig: "hostile/bad-config",
  /** The connection closes after part of the declared Content-Length. */
  truncated: "hostile/truncated",
  /** A file list without any weight file. */
  noWeights: "hostile/no-weights",
  /** The hub answers 500. */
  serverError: "hostile/server-error",
} as const;

export async function startFakeHub(options: { https?: boolean; corpus?: boolean } = {}): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>();
  const requests: RecordedRequest[] = [];
  const hits = new Map<string, number>();
  const setRepo = (r: FakeRepo) => repos.set(r.id.toLowerCase(), r);
  const shaOf = (id: string) => {
    const r = repos.get(id.toLowerCase());
    return r?.sha ?? sha1(`${r?.tree ?? ""}\n${r?.config ?? ""}`);
  };

  if (options.corpus !== false) {
    for (const m of corpusHubModels().models.values()) setRepo({ id: m.id, tree: m.tree, config: m.config, gated: m.gated });
  }
  setRepo({ id: "Hostile/Rate-Limited", tree: oneFile(2_200_000_000), config: smallConfig });
  setRepo({ id: HOSTILE.noWeights, tree: JSON.stringify([{ type: "file", path: "README.md", size: 100 }, { type: "file", path: "config.json", size: 600 }]), config: smallConfig });
  setRepo({ id: HOSTILE.hugeConfig, tree: oneFile(1_000_000_000) });
  setRepo({ id: HOSTILE.badConfig, tree: oneFile(1_000_000_000), config: "{ not json" });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://hub");
    const authorization = typeof req.headers.authorization === "string";
    requests.push({ path: url.pathname + url.search, authorization });
    const route =
      /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree)\/([^/]+)$/.exec(url.pathname) ?? /^\/([^/]+\/[^/]+)\/(resolve)\/([^/]+)\/(.+)$/.exec(url.pathname);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    if (!route) return json(404, { error: "Not Found" });
    const key = (route[1] as string).toLowerCase();
    const [kind, rev, file] = [route[2] as string, route[3] as string, route[4]];
    const count = (hits.get(key) ?? 0) + 1;
    hits.set(key, count);

    switch (key) {
      case HOSTILE.rateLimited:
        if (count <= 2) return json(429, { error: "rate limited" }, { "retry-after": "1" });
        break;
      case HOSTILE.alwaysLimited:
        return json(429, { error: "rate limited" }, { "retry-after": "1" });
      case HOSTILE.longRetryAfter:
        return json(429, { error: "rate limited" }, { "retry-after": "3600" });
      case HOSTILE.slow:
        await new Promise((r) => setTimeout(r, 3000));
        if (!res.writable) return;
        return json(200, { id: "hostile/slow", sha: "1".repeat(40) });
      case HOSTILE.serverError:
        return json(500, { error: "boom" });
      case HOSTILE.badJson:
        if (kind === "revision") return json(200, { id: HOSTILE.badJson, sha: "2".repeat(40) });
        return json(200, '[{"type": "file", "path": "model.safetensors", "si');
      case HOSTILE.truncated:
        if (kind === "revision") return json(200, { id: HOSTILE.truncated, sha: "3".repeat(40) });
        res.writeHead(200, { "content-type": "application/json", "content-length": "5000" });
        res.write('[{"type": "file", "path": "model.safetensors", "size": 10}');
        setTimeout(() => res.destroy(), 20);
        return;
    }

    const repo = repos.get(key);
    if (!repo) return json(404, { error: "Repository not found" });
    if (repo.gated) {
      if (!authorization) return json(401, { error: "Access to model is restricted. You must have access to it and be authenticated to access it." });
      if (req.headers.authorization !== `Bearer ${FAKE_HUB_TOKEN}`) return json(403, { error: "forbidden" });
    }
    const sha = shaOf(repo.id);
    if (kind === "revision") return json(200, { id: repo.id, sha, gated: false, private: false });
    if (rev !== "main" && rev !== sha) return json(404, { error: "Revision not found" });
    if (kind === "tree") return json(200, repo.tree);
    if (file === "config.json" && key === HOSTILE.hugeConfig) {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 20 && res.write(chunk)) sent++;
        if (sent < 20) res.once("drain", pump);
        else res.end("{}");
      };
      res.on("close", () => (sent = 20));
      pump();
      return;
    }
    if (file === "config.json" && repo.config !== undefined) return json(200, repo.config);
    return json(404, { error: "Entry not found" });
  };

  let server: Server;
  let ca: string | undefined;
  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  if (options.https) {
    const bundle = issueBundle({ service: "fake-hub", namespace: "test", ipAddresses: ["127.0.0.1"] }, new Date());
    ca = bundle.caCert;
    server = createHttpsServer({ key: bundle.tlsKey, cert: bundle.tlsCert }, listener);
  } else {
    server = createHttpServer(listener);
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.https ? "https" : "http"}://127.0.0.1:${port}`,
    ...(ca ? { ca } : {}),
    requests,
    setRepo,
    shaOf,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
