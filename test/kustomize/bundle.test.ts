// The install bundle as `kubectl kustomize` builds it, overlay by overlay: RBAC is exactly
// controller/rbac.ts (every permission the code uses, nothing more, no wildcards), the webhook
// configurations are scoped and exclude their own namespace, the Deployment is hardened, and
// each overlay changes what it says it does.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { INSTALL_NAMES, RBAC_RULES } from "../../controller/rbac.js";
import type { RbacRole } from "../../controller/rbac.js";
import { repoPath } from "../helpers/repo.js";
import { KUBECTL } from "../helpers/kubectl.js";

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Obj {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [field: string]: unknown;
}
interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports?: { name: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[] } };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Probe {
  httpGet?: { path: string; port: string | number; scheme?: string };
}
interface Webhook {
  name: string;
  admissionReviewVersions: string[];
  sideEffects: string;
  timeoutSeconds: number;
  failurePolicy: string;
  matchPolicy: string;
  reinvocationPolicy?: string;
  clientConfig: { service: { name: string; namespace: string; path: string; port: number }; caBundle?: string };
  namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
  rules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[]; scope: string }[];
}

function build(dir: string): Obj[] {
  const r = spawnSync(KUBECTL, ["kustomize", dir], { encoding: "utf8" });
  assert.equal(r.status, 0, `kubectl kustomize ${dir}:\n${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}

/** What every install passes serve so a pod stop resets no connection (issue 12 #4). */
const SHUTDOWN_ARGS = ["--shutdown-delay", "10", "--shutdown-timeout", "20"];
const LOCK_ARGS = ["--models-lock", "/etc/kaito-gitops/models/kaito-models.lock.yaml"];

const OVERLAYS = ["default", "dev", "cert-manager"] as const;
const built = Object.fromEntries(OVERLAYS.map((o) => [o, build(repoPath("kustomize/overlays", o))])) as Record<(typeof OVERLAYS)[number], Obj[]>;

const one = (objects: readonly Obj[], kind: string, name?: string): Obj => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length, 1, `exactly one ${kind}${name ? ` ${name}` : ""}; found ${found.length}`);
  return found[0] as Obj;
};
const podSpec = (objects: readonly Obj[]) =>
  (one(objects, "Deployment") as unknown as { spec: { template: { spec: { containers: Container[]; securityContext: Record<string, unknown>; serviceAccountName: string; volumes?: { name: string; secret?: { secretName: string } }[]; topologySpreadConstraints?: { topologyKey: string }[] } } } }).spec.template
    .spec;
const container = (objects: readonly Obj[]): Container => {
  const [c] = podSpec(objects).containers;
  assert.ok(c);
  return c;
};

const ROLE_NAMES: Record<RbacRole, string> = {
  controller: "kaito-gitops-controller",
  "leader-election": "kaito-gitops-leader-election",
  "webhook-certs": "kaito-gitops-webhook-certs",
};

/** One string per (role kind, role, group, resource, verb, names): rules compare as sets. */
function grantedBy(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const o of objects.filter((x) => x.kind === "ClusterRole" || x.kind === "Role")) {
    for (const rule of (o["rules"] as PolicyRule[] | undefined) ?? []) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) out.push(`${o.kind} ${o.metadata.name}: ${verb} ${group}/${resource} [${[...(rule.resourceNames ?? [])].sort().join(",")}]`);
        }
      }
    }
  }
  return out.sort();
}

function usedByCode(roles: readonly RbacRole[]): string[] {
  const out: string[] = [];
  for (const rule of RBAC_RULES.filter((r) => roles.includes(r.role))) {
    const kind = rule.scope === "cluster" ? "ClusterRole" : "Role";
    for (const verb of rule.verbs) out.push(`${kind} ${ROLE_NAMES[rule.role]}: ${verb} ${rule.apiGroup}/${rule.resource} [${[...(rule.resourceNames ?? [])].sort().join(",")}]`);
  }
  return out.sort();
}

describe("kubectl kustomize builds every overlay", () => {
  for (const overlay of OVERLAYS) {
    test(`${overlay}: the Namespace, the CRD, one Deployment, both webhook configurations`, () => {
      const objects = built[overlay];
      assert.equal(one(objects, "Namespace").metadata.name, INSTALL_NAMES.namespace);
      const crd = one(objects, "CustomResourceDefinition");
      assert.deepEqual({ ...crd, metadata: { ...crd.metadata, labels: {} } }, { ...(parse(readFileSync(repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml"), "utf8")) as Obj), metadata: { ...crd.metadata, labels: {} } });
      one(objects, "Deployment", "kaito-gitops");
      one(objects, "MutatingWebhookConfiguration", INSTALL_NAMES.mutatingWebhookConfiguration);
      one(objects, "ValidatingWebhookConfiguration", INSTALL_NAMES.validatingWebhookConfiguration);
      const clusterScoped = new Set(["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);
      for (const o of objects) {
        if (clusterScoped.has(o.kind)) assert.equal(o.metadata.namespace, undefined, `${o.kind} ${o.metadata.name}`);
        else assert.equal(o.metadata.namespace, INSTALL_NAMES.namespace, `${o.kind} ${o.metadata.name} in the bundle's namespace`);
        assert.equal(o.metadata.labels?.["app.kubernetes.io/part-of"], "kaito-gitops", `${o.kind} ${o.metadata.name} labelled`);
      }
    });
  }
});

describe("RBAC is exactly what the code uses", () => {
  const expected = { default: usedByCode(["controller", "leader-election", "webhook-certs"]), dev: usedByCode(["controller", "leader-election", "webhook-certs"]), "cert-manager": usedByCode(["controller", "leader-election"]) };
  for (const overlay of OVERLAYS) {
    test(`${overlay}: every rule in controller/rbac.ts is granted, and nothing else`, () => {
      assert.deepEqual(grantedBy(built[overlay]), expected[overlay]);
    });

    test(`${overlay}: no wildcard, no non-resource URL, no escalation verb`, () => {
      for (const o of built[overlay].filter((x) => x.kind === "ClusterRole" || x.kind === "Role")) {
        for (const rule of (o["rules"] as PolicyRule[] | undefined) ?? []) {
          const all = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs, ...(rule.resourceNames ?? [])];
          assert.ok(!all.some((x) => x.includes("*")), `${o.metadata.name}: ${JSON.stringify(rule)}`);
          assert.equal(rule.nonResourceURLs, undefined);
          assert.ok(!rule.verbs.some((v) => ["escalate", "bind", "impersonate", "deletecollection"].includes(v)), JSON.stringify(rule));
        }
      }
    });

    test(`${overlay}: each role is bound to the bundle's ServiceAccount, and only to it`, () => {
      const objects = built[overlay];
      const sa = one(objects, "ServiceAccount");
      assert.equal(sa.metadata.name, INSTALL_NAMES.serviceAccount);
      assert.equal(podSpec(objects).serviceAccountName, sa.metadata.name);
      const roles = objects.filter((o) => o.kind === "ClusterRole" || o.kind === "Role");
      for (const role of roles) {
        const bindingKind = role.kind === "ClusterRole" ? "ClusterRoleBinding" : "RoleBinding";
        const binding = one(objects, bindingKind, role.metadata.name) as Obj & { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] };
        assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: role.kind, name: role.metadata.name });
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: INSTALL_NAMES.namespace }]);
      }
      assert.equal(objects.filter((o) => o.kind.endsWith("Binding")).length, roles.length, "no binding without its role");
    });
  }
});

describe("webhook configurations", () => {
  for (const overlay of OVERLAYS) {
    test(`${overlay}: scoped to Workspaces, v1 reviews, no side effects, failing closed, never in their own namespace`, () => {
      const objects = built[overlay];
      const service = one(objects, "Service", "kaito-gitops-webhook") as Obj & { spec: { ports: { port: number; targetPort: string | number }[] } };
      const ownNamespace = service.metadata.namespace;
      assert.equal(ownNamespace, one(objects, "Namespace").metadata.name);
      for (const [kind, name, path] of [
        ["MutatingWebhookConfiguration", INSTALL_NAMES.mutatingWebhookConfiguration, "/mutate"],
        ["ValidatingWebhookConfiguration", INSTALL_NAMES.validatingWebhookConfiguration, "/validate"],
      ] as const) {
        const webhooks = one(objects, kind, name)["webhooks"] as Webhook[];
        assert.equal(webhooks.length, 1);
        for (const w of webhooks) {
          assert.match(w.name, /^[a-z0-9-]+(\.[a-z0-9-]+){2,}$/, "a fully qualified webhook name");
          assert.deepEqual(w.admissionReviewVersions, ["v1"]);
          assert.equal(w.sideEffects, "None");
          assert.equal(w.timeoutSeconds, 10);
          assert.equal(w.failurePolicy, "Fail");
          assert.equal(w.matchPolicy, "Equivalent");
          assert.equal(w.reinvocationPolicy, kind === "MutatingWebhookConfiguration" ? "IfNeeded" : undefined);
          assert.deepEqual(w.clientConfig.service, { name: service.metadata.name, namespace: ownNamespace, path, port: service.spec.ports[0]?.port });
          assert.equal(w.clientConfig.caBundle, undefined, "injected at run time, not shipped");
          assert.deepEqual(w.namespaceSelector.matchExpressions, [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: [ownNamespace, "kube-system"] }]);
          assert.deepEqual(w.rules, [{ apiGroups: ["kaito.sh"], apiVersions: ["v1alpha1", "v1beta1"], operations: ["CREATE", "UPDATE"], resources: ["workspaces"], scope: "Namespaced" }]);
        }
      }
      assert.deepEqual(service.spec.ports, [{ name: "https", port: 443, targetPort: "https", protocol: "TCP" }]);
      assert.deepEqual(container(objects).ports, [{ name: "https", containerPort: 9443, protocol: "TCP" }]);
    });
  }

  test("the reason for failurePolicy Fail is written next to it", () => {
    const text = readFileSync(repoPath("kustomize/base/webhooks.yaml"), "utf8");
    assert.match(text, /failurePolicy Fail, deliberately/);
    assert.match(text, /half-specified/);
  });
});

describe("the Deployment", () => {
  for (const overlay of OVERLAYS) {
    test(`${overlay}: non-root, read-only root, no capabilities, RuntimeDefault seccomp, requests, probes`, () => {
      const objects = built[overlay];
      const spec = podSpec(objects);
      assert.equal(spec.securityContext["runAsNonRoot"], true);
      assert.deepEqual(spec.securityContext["seccompProfile"], { type: "RuntimeDefault" });
      const c = container(objects);
      assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
      assert.ok(c.resources?.requests?.["cpu"] && c.resources.requests["memory"], "requests");
      assert.ok(c.resources?.limits?.["memory"], "a memory limit");
      assert.equal(c.resources?.limits?.["cpu"], undefined, "no CPU limit (throttling is admission latency)");
      assert.deepEqual(c.livenessProbe?.httpGet, { path: "/healthz", port: "https", scheme: "HTTPS" });
      assert.deepEqual(c.readinessProbe?.httpGet, { path: "/readyz", port: "https", scheme: "HTTPS" });
      assert.deepEqual(
        c.env?.find((e) => e.name === "POD_NAMESPACE")?.valueFrom,
        { fieldRef: { fieldPath: "metadata.namespace" } },
        "the downward API names the namespace",
      );
      assert.deepEqual(spec.topologySpreadConstraints?.map((t) => t.topologyKey), ["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
      assert.equal(c.image, "kaito-gitops:0.1.0");
    });
  }

  test("default: two replicas, a PodDisruptionBudget keeping one, serve with self-managed certificates", () => {
    const objects = built.default;
    const deployment = one(objects, "Deployment") as Obj & { spec: { replicas: number; strategy: unknown; selector: { matchLabels: Record<string, string> } } };
    assert.equal(deployment.spec.replicas, 2);
    assert.deepEqual(deployment.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const pdb = one(objects, "PodDisruptionBudget") as Obj & { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } };
    assert.equal(pdb.spec.minAvailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
    assert.deepEqual(container(objects).args, ["serve", "--manage-certs", "--namespace", "$(POD_NAMESPACE)", ...SHUTDOWN_ARGS, ...LOCK_ARGS]);
  });

  test("every install stops without resets: a shutdown delay, and a grace period longer than delay plus drain", () => {
    for (const [overlay, objects] of Object.entries(built)) {
      const args = container(objects).args ?? [];
      const seconds = (flag: string): number => Number(args[args.indexOf(flag) + 1]);
      assert.ok(args.includes("--shutdown-delay") && seconds("--shutdown-delay") >= 5, `${overlay}: ${args.join(" ")}`);
      const grace = (podSpec(objects) as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30;
      assert.ok(grace >= seconds("--shutdown-delay") + seconds("--shutdown-timeout") + 5, `${overlay}: grace ${grace} s`);
    }
  });

  test("dev: one replica, debug logs, small requests, a PodDisruptionBudget that does not block drains", () => {
    const objects = built.dev;
    assert.equal((one(objects, "Deployment") as Obj & { spec: { replicas: number } }).spec.replicas, 1);
    assert.deepEqual(container(objects).args, ["serve", "--manage-certs", "--namespace", "$(POD_NAMESPACE)", ...SHUTDOWN_ARGS, ...LOCK_ARGS, "--log-level", "debug"]);
    assert.deepEqual(container(objects).resources?.requests, { cpu: "10m", memory: "64Mi" });
    const pdb = one(objects, "PodDisruptionBudget") as Obj & { spec: { minAvailable?: number; maxUnavailable?: number } };
    assert.deepEqual([pdb.spec.minAvailable, pdb.spec.maxUnavailable], [undefined, 1]);
  });

  test("cert-manager: a Certificate for the Service's name, mounted as the cert dir, caBundle by cainjector", () => {
    const objects = built["cert-manager"];
    const certificate = one(objects, "Certificate") as Obj & { spec: { secretName: string; dnsNames: string[]; issuerRef: { name: string; kind: string } } };
    assert.equal(certificate.spec.secretName, INSTALL_NAMES.webhookSecret);
    assert.ok(certificate.spec.dnsNames.includes(`kaito-gitops-webhook.${INSTALL_NAMES.namespace}.svc`));
    assert.equal(one(objects, "Issuer", certificate.spec.issuerRef.name).metadata.namespace, INSTALL_NAMES.namespace);
    for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
      assert.equal(one(objects, kind).metadata.annotations?.["cert-manager.io/inject-ca-from"], `${INSTALL_NAMES.namespace}/${certificate.metadata.name}`);
    }
    const c = container(objects);
    assert.deepEqual(c.args, ["serve", "--cert-dir", "/certs", "--namespace", "$(POD_NAMESPACE)", ...SHUTDOWN_ARGS, ...LOCK_ARGS]);
    assert.deepEqual(c.volumeMounts?.find((m) => m.mountPath === "/certs"), { name: "webhook-cert", mountPath: "/certs", readOnly: true });
    assert.equal(podSpec(objects).volumes?.find((v) => v.name === "webhook-cert")?.secret?.secretName, INSTALL_NAMES.webhookSecret);
  });

  test("the image is set with kustomize `images:` in an overlay of one's own", () => {
    const dir = mkdtempSync(join(tmpdir(), "kaito-gitops-overlay-"));
    try {
      writeFileSync(
        join(dir, "kustomization.yaml"),
        [
          "resources:",
          `  - ${relative(dir, repoPath("kustomize/overlays/default"))}`,
          "images:",
          "  - name: kaito-gitops",
          "    newName: registry.example.com/platform/kaito-gitops",
          "    newTag: 1.2.3",
          "",
        ].join("\n"),
      );
      assert.equal(container(build(dir)).image, "registry.example.com/platform/kaito-gitops:1.2.3");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
