// The install bundle gives the webhook and the controller the model lock: a ConfigMap holding a
// valid (empty) lock, mounted into the server, named by --models-lock, in every overlay.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { parseModelLock } from "../../workspace/models/lock.js";
import { repoPath } from "../helpers/repo.js";
import { KUBECTL } from "../helpers/kubectl.js";

interface Obj {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template: { spec: { containers: { args: string[]; volumeMounts: { name: string; mountPath: string }[] }[]; volumes: { name: string; configMap?: { name: string } }[] } } };
}

for (const overlay of ["default", "cert-manager"]) {
  test(`overlay ${overlay}: the server reads the lock from the bundle's ConfigMap`, () => {
    const r = spawnSync(KUBECTL, ["kustomize", repoPath("kustomize/overlays", overlay)], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const objs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    const server = objs.find((o) => o.kind === "Deployment" && o.metadata.name === "kaito-gitops");
    const container = server?.spec?.template.spec.containers[0];
    assert.ok(container);
    const at = container.args.indexOf("--models-lock");
    assert.ok(at > 0, "serve is given --models-lock");
    const file = container.args[at + 1] ?? "";
    const mount = container.volumeMounts.find((m) => file.startsWith(`${m.mountPath}/`));
    assert.ok(mount, `${file} is on a mounted volume`);
    const volume = server?.spec?.template.spec.volumes.find((v) => v.name === mount.name);
    const configMap = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === volume?.configMap?.name);
    assert.ok(configMap, "the volume is the generated (hash-suffixed) ConfigMap");
    const key = file.slice(mount.mountPath.length + 1);
    assert.deepEqual(parseModelLock(configMap.data?.[key] ?? "", key), { models: [] });
  });
}
