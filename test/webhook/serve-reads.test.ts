// `kaito-gitops serve` decides whether admission reads the cluster: with --kubeconfig (here the
// fake API server's) a Workspace naming an existing ConfigMap is admitted; a laptop run (in-memory
// certificate, no kubeconfig, controller off) reads nothing and its denial says why.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FakeKubeApi } from "../controller/fake-api.js";
import { eventually } from "../helpers/eventually.js";
import { httpsPost, responseOf } from "./harness.js";
import { admissionReview, phi3 } from "./review.js";
import { startServe } from "./serve-process.js";
import type { ServeProcess } from "./serve-process.js";

let api: FakeKubeApi;
let kubeconfig: string;
const started: ServeProcess[] = [];

before(async () => {
  api = await FakeKubeApi.start();
  api.put("v1/configmaps", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "served-config", namespace: "default" },
    data: { "inference_config.yaml": "vllm:\n  max-model-len: 2048\n" },
  });
  kubeconfig = join(mkdtempSync(join(tmpdir(), "kaito-gitops-serve-reads-")), "kubeconfig");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      // client-node refuses plain HTTP unless told not to verify TLS (the fake serves HTTP).
      clusters: [{ name: "fake", cluster: { server: api.url, "insecure-skip-tls-verify": true } }],
      users: [{ name: "tester", user: { token: "t0ken" } }],
      contexts: [{ name: "fake", context: { cluster: "fake", user: "tester" } }],
      "current-context": "fake",
    }),
  );
});

after(async () => {
  for (const serve of started) {
    if (serve.child.exitCode === null) serve.child.kill("SIGTERM");
    await serve.exited;
  }
  await api.stop();
});

async function serveWith(args: readonly string[]): Promise<{ serve: ServeProcess; validate: (object: Record<string, unknown>) => Promise<ReturnType<typeof responseOf>> }> {
  const serve = await startServe(["--no-controller", "--host", "127.0.0.1", "--port", "0", ...args]);
  started.push(serve);
  const ca = Buffer.from(await serve.firstStdoutLine(), "base64").toString("utf8");
  const url = `https://127.0.0.1:${serve.port}`;
  await eventually("serve to be ready", async () => ((await httpsPost(url, "/readyz", "", { ca, servername: "localhost", method: "GET" })).status === 200 ? true : undefined));
  const validate = async (object: Record<string, unknown>) => {
    const res = await httpsPost(url, "/validate", JSON.stringify(admissionReview({ object })), { ca, servername: "localhost" });
    assert.equal(res.status, 200, res.body);
    return responseOf(JSON.parse(res.body));
  };
  return { serve, validate };
}

const withConfig = (config: string): Record<string, unknown> => {
  const ws = phi3({ name: "served" });
  (ws["inference"] as { config?: string }).config = config;
  return ws;
};

describe("serve and the cluster reads", () => {
  it("with --kubeconfig, reads the named ConfigMap: admitted", async () => {
    const { serve, validate } = await serveWith(["--kubeconfig", kubeconfig]);
    const from = api.requests.length;
    const response = await validate(withConfig("served-config"));
    assert.equal(response.allowed, true, response.status?.message);
    assert.ok(api.calls(from).some((r) => r.path === "/api/v1/namespaces/default/configmaps/served-config"));
    assert.ok(serve.logLines().some((l) => typeof l["msg"] === "string" && l["msg"].startsWith("admission reads what KAITO reads")));
  });

  it("a laptop run reads nothing and says so in the denial", async () => {
    const { serve, validate } = await serveWith([]);
    const from = api.requests.length;
    const response = await validate(withConfig("served-config"));
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /no cluster access .*ConfigMap default\/served-config \(inference\.config\) could not be read/);
    assert.deepEqual(api.calls(from), []);
    assert.ok(serve.logLines().some((l) => typeof l["msg"] === "string" && l["msg"].startsWith("admission without cluster access")));
  });
});
