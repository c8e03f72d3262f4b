// Our shell scripts for the helper containers of a KAITO v0.12 tuning Job (an image input uses the
// adapter puller of ../children/puller.ts, as KAITO uses one puller for both). They are written for
// kaito-gitops (KAITO embeds its own scripts; we do not copy them) and do the same job with the same
// inputs and results, so a Job we render behaves as KAITO's does:
// - data downloader (curl image): every URL of $DATA_URLS into $DATA_VOLUME_PATH/<file name of the
//   URL, query and fragment dropped>, three attempts each, failing the pod if one cannot be fetched;
// - adapter pusher (oras image): once the trainer's completion file appears, the adapter files under
//   data/ as one gzip layer of an OCI image, with KAITO's manifest annotation naming the base model,
//   pushed to the output image; then the pause container is signalled (KAITO's hand-shake).
// Parameters sit in a header of `name='value'` lines, quoted for the shell (scriptParameters reads them).
import { ADAPTER_FILES, SENTINEL_FILE } from "./params.js";

/** A value as one single-quoted shell word. */
export const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** Header lines `name='value'`, in the order given. */
function header(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join("\n");
}

export const DATA_DOWNLOADER_SCRIPT = `#!/bin/sh
# kaito-gitops data downloader: each URL of $DATA_URLS into $DATA_VOLUME_PATH, named after the URL's
# last path segment without query or fragment; three attempts per URL, then the pod fails.
set -u
if [ -z "\${DATA_URLS:-}" ]; then
  echo "kaito-gitops: DATA_URLS is empty, nothing to download" >&2
  exit 1
fi
for url in $DATA_URLS; do
  name="$url"
  while [ "\${name%/}" != "$name" ]; do name="\${name%/}"; done
  name="\${name##*/}"
  name="\${name%%[?#]*}"
  target="$DATA_VOLUME_PATH/$name"
  attempt=1
  while :; do
    status="$(curl --silent --show-error --location --proto =http,https --write-out '%{http_code}' --output "$target" "$url")" && rc=0 || rc=$?
    if [ "$rc" -eq 0 ] && [ "$status" = "200" ] && [ -s "$target" ]; then
      echo "kaito-gitops: fetched $url into $target"
      break
    fi
    rm -f "$target"
    if [ "$attempt" -ge 3 ]; then
      echo "kaito-gitops: could not fetch $url (curl exit $rc, HTTP $status) in $attempt attempts" >&2
      exit 1
    fi
    echo "kaito-gitops: attempt $attempt for $url failed (curl exit $rc, HTTP $status), trying again"
    attempt=$((attempt + 1))
    sleep 2
  done
done
echo "kaito-gitops: every URL fetched"
`;

/** Go's json.Marshal escapes these; so do we, so the annotation is the same bytes as KAITO's. */
const goJson = (value: unknown): string =>
  JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");

/** The manifest annotations of the adapter image: the preset it was tuned from. */
export const adapterAnnotations = (presetName: string): string => goJson({ $manifest: { "sh.kaito.model.name": presetName } });

export const sentinelPath = (resultsDir: string): string => `${resultsDir.replace(/\/+$/, "")}/${SENTINEL_FILE}`;

/** The pusher: the adapter in `results` to `image` once `doneFile` exists. */
export function adapterPusherScript(params: { readonly results: string; readonly image: string; readonly annotations: string; readonly doneFile: string }): string {
  const files = ADAPTER_FILES.map((f) => `"$results/${f}"`).join(" ");
  return `#!/bin/sh
# kaito-gitops adapter pusher: wait for the trainer's completion file, pack the adapter under data/
# as one gzip layer of an OCI image annotated with its base model, push it, signal the pause container.
set -eu
${header({ results: params.results, image: params.image, annotations: params.annotations, done_file: params.doneFile })}
until [ -e "$done_file" ]; do sleep 1; done
work="$(mktemp -d)"
mkdir "$work/data"
cp ${files} "$work/data/"
tar -c -f "$work/layer.tar" -C "$work" data
diff_id="$(sha256sum "$work/layer.tar" | cut -d ' ' -f 1)"
gzip -9 "$work/layer.tar"
printf '{"rootfs":{"diff_ids":["sha256:%s"]}}' "$diff_id" > "$work/config.json"
printf '%s' "$annotations" > "$work/annotations.json"
cd "$work"
oras push --oci-layout "$work/layout:latest" --annotation-file annotations.json \\
  --config "config.json:application/vnd.oci.image.config.v1+json" \\
  "layer.tar.gz:application/vnd.oci.image.layer.v1.tar+gzip"
oras cp --from-oci-layout "$work/layout:latest" "$image"
echo "kaito-gitops: adapter pushed to $image"
killall -CHLD pause </dev/null >/dev/null 2>&1 || true
`;
}

/** The `name='value'` header of one of our scripts (for comparing scripts by what they are given). */
export function scriptParameters(script: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of script.matchAll(/^([a-z_]+)='((?:[^']|'\\'')*)'$/gm)) {
    const [, key = "", quoted = ""] = m;
    out[key] = quoted.replaceAll(`'\\''`, "'");
  }
  return out;
}
