// Our adapter puller script (KAITO's text is not copied): run under sh with a stub skopeo, it must
// do what KAITO's does: pull the image (trying each mounted registry credential, then none), unpack
// its layers and leave the image's /data at the target directory; and the image reference must
// stay inert shell text whatever it holds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { normaliseImageReference, pullerScript } from "../../workspace/kaito/v0_12/children/puller.js";

/** A stub skopeo: `copy` writes one gzip-free tar layer holding data/weights.bin; `inspect` lists it. */
function stubSkopeo(bin: string, log: string, failWithoutAuth: boolean): void {
  mkdirSync(bin, { recursive: true });
  const script = `#!/bin/sh
echo "$@" >> ${JSON.stringify(log)}
case "$1" in
copy)
  shift; auth=""
  for a in "$@"; do case "$a" in --authfile=*) auth="$a";; dir:*) dest="\${a#dir:}";; esac; done
  ${failWithoutAuth ? '[ -n "$auth" ] || exit 1' : ":"}
  mkdir -p "$dest" && tmp="$(mktemp -d)" && mkdir -p "$tmp/data" && echo weights > "$tmp/data/weights.bin"
  tar -c -f "$dest/abc123" -C "$tmp" data ;;
inspect) echo "sha256:abc123 " ;;
esac
`;
  writeFileSync(join(bin, "skopeo"), script);
  chmodSync(join(bin, "skopeo"), 0o755);
}

function run(image: string, failWithoutAuth: boolean, withAuth: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "puller-"));
  const bin = join(dir, "bin");
  const log = join(dir, "skopeo.log");
  stubSkopeo(bin, log, failWithoutAuth);
  const home = join(dir, "home");
  if (withAuth) {
    mkdirSync(join(home, ".docker/config.d/a"), { recursive: true });
    writeFileSync(join(home, ".docker/config.d/a/secret.json"), "{}");
  } else mkdirSync(home, { recursive: true });
  const target = join(dir, "mnt/adapter/my-adapter");
  mkdirSync(join(dir, "mnt/adapter"), { recursive: true });
  const result = spawnSync("sh", ["-c", pullerScript(image, target)], { env: { PATH: `${bin}:${process.env.PATH}`, HOME: home }, encoding: "utf8" });
  return { result, target, log: existsSync(log) ? readFileSync(log, "utf8") : "" };
}

describe("v0.12 adapter puller script", () => {
  it("leaves the image's /data at the target", () => {
    const { result, target, log } = run("myregistry.azurecr.io/adapters/a:0.0.1", false, false);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(join(target, "weights.bin"), "utf8"), "weights\n");
    assert.match(log, /copy --dest-decompress +docker:\/\/myregistry\.azurecr\.io\/adapters\/a:0\.0\.1 dir:/);
  });

  it("tries the mounted registry credentials when an anonymous pull fails", () => {
    const { result, target, log } = run("myregistry.azurecr.io/adapters/a:0.0.1", true, true);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(join(target, "weights.bin")));
    assert.match(log, /--authfile=.*secret\.json/);
  });

  it("fails when no credential works", () => {
    const { result, target } = run("myregistry.azurecr.io/adapters/a:0.0.1", true, false);
    assert.notEqual(result.status, 0);
    assert.equal(existsSync(target), false);
  });

  it("keeps a hostile image reference inert", () => {
    const { log } = run("evil$(touch /tmp/pwned-by-puller)'x", false, false);
    assert.equal(existsSync("/tmp/pwned-by-puller"), false);
    assert.ok(log.includes("docker://docker.io/evil$(touch /tmp/pwned-by-puller)'x:latest"), log);
  });

  it("normalises image names as Docker does", () => {
    assert.equal(normaliseImageReference("nginx"), "docker.io/library/nginx:latest");
    assert.equal(normaliseImageReference("org/adapter:1"), "docker.io/org/adapter:1");
    assert.equal(normaliseImageReference("localhost:5000/a"), "localhost:5000/a:latest");
    assert.equal(normaliseImageReference("myregistry.azurecr.io/adapters/a:0.0.1"), "myregistry.azurecr.io/adapters/a:0.0.1");
  });
});
