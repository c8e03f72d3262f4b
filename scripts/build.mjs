// Build: compile TypeScript, then turn the schemas into standalone ajv validators, so
// `kaito-gitops` starts without compiling schemas (its cold start is a benchmark target).
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const started = Date.now();

// KAITO_GITOPS_TSCONFIG builds with another project file (e.g. leaving out work in progress).
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", process.env.KAITO_GITOPS_TSCONFIG ?? join(root, "tsconfig.json")], {
  stdio: "inherit",
});

const { default: Ajv } = await import("ajv");
const { default: standaloneCode } = await import("ajv/dist/standalone/index.js");
const dist = (p) => pathToFileURL(join(root, "dist", p)).href;
const { validatorSchema, strictSchema } = await import(dist("workspace/api/schema.js"));
const { modelLockSchema } = await import(dist("workspace/models/lock-schema.js"));
const { newAjv } = await import(dist("workspace/api/ajv-options.js"));

const ajv = newAjv(Ajv, { code: { source: true, esm: true }, verbose: true });
ajv.addSchema(validatorSchema("v1alpha1"), "workspaceV1alpha1");
ajv.addSchema(validatorSchema("v1beta1"), "workspaceV1beta1");
ajv.addSchema(strictSchema(modelLockSchema), "modelLockFile");
const code = standaloneCode(ajv, {
  workspaceV1alpha1: "workspaceV1alpha1",
  workspaceV1beta1: "workspaceV1beta1",
  modelLockFile: "modelLockFile",
});
if (/\brequire\(/.test(code)) throw new Error("the generated validators need an ajv runtime helper; adjust the ajv options");
writeFileSync(join(root, "dist/workspace/api/validators.generated.js"), code);

// The command users run: our modules and the yaml library bundled into a few files, because
// loading dozens of small modules (and yaml through Node's CommonJS loader) is most of a cold
// start. The server-side dependencies stay in node_modules, loaded only by the commands that use them.
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const external = Object.keys(pkg.dependencies).filter((d) => d !== "yaml");
const { build } = await import("esbuild");
// Chunk names carry content hashes: clear the folder so old chunks do not pile up.
rmSync(join(root, "dist/cli"), { recursive: true, force: true });
await build({
  entryPoints: [join(root, "dist/bin/kaito-gitops.js")],
  outdir: join(root, "dist/cli"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  // yaml is CommonJS and requires Node built-ins; bundled into ES modules it needs a require().
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});
console.error(`build: done in ${Date.now() - started} ms`);
