// The argocd component built with kubectl kustomize over the parts of an Argo CD install it
// patches, checked against Argo CD's documented conventions for sidecar plugins and argocd-cm.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { PARAMETERS } from "../../plugin/settings.js";
import { repoPath } from "../helpers/repo.js";
import { KUBECTL } from "../helpers/kubectl.js";

interface Container {
  name: string;
  command?: string[];
  securityContext?: { runAsUser?: number; runAsNonRoot?: boolean };
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}
interface Obj {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template: { spec: { containers: Container[]; volumes: { name: string; configMap?: { name: string }; emptyDir?: object }[] } } };
}

const built = spawnSync(KUBECTL, ["kustomize", repoPath("test/plugin/fixtures/argocd-install")], { encoding: "utf8" });
const objects = built.status === 0 ? parseAllDocuments(built.stdout).map((d) => d.toJS() as Obj) : [];

test("kubectl kustomize builds the component over an Argo CD install", () => {
  assert.equal(built.status, 0, built.stderr);
  assert.ok(objects.length >= 3);
});

test("the sidecar follows Argo CD's CMP contract", () => {
  const repoServer = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "argocd-repo-server");
  assert.ok(repoServer?.spec);
  const pod = repoServer.spec.template.spec;
  const sidecar = pod.containers.find((c) => c.name === "kaito-gitops-cmp");
  assert.ok(sidecar, "a sidecar container next to argocd-repo-server");
  assert.ok(pod.containers.some((c) => c.name === "argocd-repo-server"), "the repo server itself is kept");
  assert.deepEqual(sidecar.command, ["/var/run/argocd/argocd-cmp-server"]);
  assert.equal(sidecar.securityContext?.runAsUser, 999);
  assert.equal(sidecar.securityContext?.runAsNonRoot, true);
  const mount = (path: string) => sidecar.volumeMounts?.find((m) => m.mountPath === path);
  assert.equal(mount("/var/run/argocd")?.name, "var-files");
  assert.equal(mount("/home/argocd/cmp-server/plugins")?.name, "plugins");
  assert.equal(mount("/home/argocd/cmp-server/config/plugin.yaml")?.subPath, "plugin.yaml");
  const tmp = mount("/tmp");
  assert.ok(tmp && tmp.name !== "tmp", "its own /tmp, not the repo server's");
  assert.ok(pod.volumes.find((v) => v.name === tmp.name)?.emptyDir);
  const pluginVolume = pod.volumes.find((v) => v.name === mount("/home/argocd/cmp-server/config/plugin.yaml")?.name);
  const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === pluginVolume?.configMap?.name);
  assert.ok(configMap, "the plugin.yaml volume points at the generated (hash-suffixed) ConfigMap");
  assert.match(configMap.metadata.name, /^kaito-gitops-cmp-[a-z0-9]+$/);
  assert.equal(configMap.data?.["plugin.yaml"], readFileSync(repoPath("plugin/plugin.yaml"), "utf8"));
});

test("plugin.yaml is a ConfigManagementPlugin whose commands exist in the CLI", () => {
  const plugin = parse(readFileSync(repoPath("plugin/plugin.yaml"), "utf8")) as {
    kind: string;
    metadata: { name: string };
    spec: { version: string; generate: { command: string[] }; discover: { find: { command: string[] } }; parameters: { static: { name: string }[] } };
  };
  assert.equal(plugin.kind, "ConfigManagementPlugin");
  assert.equal(`${plugin.metadata.name}-${plugin.spec.version}`, "kaito-gitops-v1");
  assert.deepEqual(plugin.spec.generate.command, ["kaito-gitops", "generate"]);
  assert.deepEqual(plugin.spec.discover.find.command, ["kaito-gitops", "discover"]);
  // The parameters announced are exactly those the plugin reads.
  assert.deepEqual(plugin.spec.parameters.static.map((p) => p.name).sort(), [...PARAMETERS].sort());
});

test("argocd-cm gets the health checks under Argo CD's key names, identical to plugin/health", () => {
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "argocd-cm");
  assert.ok(cm?.data, "argocd-cm keeps its name (no hash suffix)");
  assert.ok(cm.data["resource.customizations.ignoreResourceUpdates.all"], "existing settings are kept");
  assert.equal(cm.data["resource.customizations.health.kaito.sh_Workspace"], readFileSync(repoPath("plugin/health/kaito.sh/Workspace/health.lua"), "utf8"));
  assert.equal(cm.data["resource.customizations.health.karpenter.sh_Machine"], readFileSync(repoPath("plugin/health/karpenter.sh/Machine/health.lua"), "utf8"));
  assert.equal(cm.data["resource.customizations.useOpenLibs.kaito.sh_Workspace"], "true");
  for (const key of Object.keys(cm.data).filter((k) => k.startsWith("resource.customizations.health."))) {
    assert.match(key, /^resource\.customizations\.health\.[a-z0-9.-]+_[A-Z][A-Za-z]+$/, "<group>_<Kind>");
  }
});

test("the component's copies of plugin.yaml and the checks are the files in plugin/", () => {
  const same = (copy: string, original: string) =>
    assert.equal(readFileSync(repoPath(copy), "utf8"), readFileSync(repoPath(original), "utf8"), `${copy} differs from ${original}: copy it over`);
  same("kustomize/components/argocd/plugin.yaml", "plugin/plugin.yaml");
  same("kustomize/components/argocd/health-kaito.sh_Workspace.lua", "plugin/health/kaito.sh/Workspace/health.lua");
  same("kustomize/components/argocd/health-karpenter.sh_Machine.lua", "plugin/health/karpenter.sh/Machine/health.lua");
});
