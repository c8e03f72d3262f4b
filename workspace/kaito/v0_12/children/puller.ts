// The init container that copies a LoRA adapter out of an OCI image before the model server
// starts (KAITO v0.12.0 uses skopeo for this). The script is ours; it has KAITO's inputs (the
// image, normalised as Docker does, and the target directory) and KAITO's result (the image's
// /data folder at the target). Registry credentials come from the docker config files mounted
// under ~/.docker/config.d; each is tried in turn, then none.

export const PULLER_IMAGE = "mcr.microsoft.com/aks/skopeo:1.14.4-6";

/** A single-quoted shell word: the image reference is the user's text and must stay inert. */
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** `nginx` -> `docker.io/library/nginx:latest`, as Docker's reference parser normalises names. */
export function normaliseImageReference(ref: string): string {
  const slash = ref.indexOf("/");
  const first = slash < 0 ? "" : ref.slice(0, slash);
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  let out = hasDomain ? ref : slash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
  const lastSegment = out.slice(out.lastIndexOf("/") + 1);
  if (!lastSegment.includes(":") && !out.includes("@")) out += ":latest";
  return out;
}

export function pullerScript(image: string, target: string): string {
  return [
    "#!/bin/sh",
    "# Copy the /data folder of an OCI image (a LoRA adapter) to a directory.",
    "# Usage: puller [IMAGE [TARGET]]; both default to the values below.",
    "set -eu",
    `image=\${1:-${quote(normaliseImageReference(image))}}`,
    `target=\${2:-${quote(target)}}`,
    'work="$(mktemp -d)"',
    'auth_dir="${HOME}/.docker/config.d"',
    'auth_files=""',
    'if [ -d "$auth_dir" ]; then auth_files="$(find -L "$auth_dir" -type f)"; fi',
    'pulled=no',
    'for auth in none $auth_files; do',
    '  if [ "$auth" = none ]; then creds=""; else creds="--authfile=$auth"; fi',
    '  if skopeo copy --dest-decompress $creds "docker://$image" "dir:$work/image"; then pulled=yes; break; fi',
    'done',
    'if [ "$pulled" != yes ]; then echo "puller: cannot pull $image" >&2; exit 1; fi',
    'mkdir -p "$work/fs"',
    "for layer in $(skopeo inspect --format '{{range .Layers}}{{.}} {{end}}' \"dir:$work/image\"); do",
    '  tar -x -f "$work/image/${layer#sha256:}" -C "$work/fs"',
    'done',
    'mv -f "$work/fs/data" "$target"',
    "",
  ].join("\n");
}

/** What the normalisation in test/conformance keeps of a puller script: its two inputs. */
export const PULLER_SCRIPT_INPUTS = { image: /^image=\$\{1:-'(.*)'\}$/m, target: /^target=\$\{2:-'(.*)'\}$/m };
