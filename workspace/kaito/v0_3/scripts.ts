// The two shell programs a v0.3 tuning Job runs besides the trainer. KAITO v0.3.2 embeds its own;
// these are ours, written to the same contract (same inputs, same files, same exit codes), so the
// conformance comparison replaces exactly this text (deviation `v0.3-tuning-scripts`).

/** A shell word that stays one word whatever it contains. */
export const shellQuote = (s: string): string => `'${s.replaceAll("'", `'"'"'`)}'`;

/**
 * Downloads every URL of $DATA_URLS (space-separated) into $DATA_VOLUME_PATH, naming each file
 * after the URL's last path segment with `?`, `=` and `&` turned into `_`. Three attempts per URL;
 * a URL that does not answer 200 with a non-empty body fails the init container, and so the Job.
 */
export const DATA_DOWNLOADER_SCRIPT = `set -u
if [ -z "\${DATA_URLS:-}" ]; then
  echo "DATA_URLS is empty: no training data to download" >&2
  exit 1
fi
for url in $DATA_URLS; do
  file="$DATA_VOLUME_PATH/$(basename "$url" | tr '?=&' '___')"
  attempt=1
  until status=$(curl -sSL -o "$file" -w '%{http_code}' "$url") && [ "$status" = 200 ] && [ -s "$file" ]; do
    rm -f "$file"
    if [ "$attempt" -ge 3 ]; then
      echo "giving up on $url after $attempt attempts (HTTP \${status:-none})" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
  echo "downloaded $url to $file"
done
echo "all training data downloaded"
`;

/**
 * Waits until the trainer writes fine_tuning_completed.txt under `outputDir`, then builds a
 * busybox image holding the adapter (adapter_config.json, adapter_model.safetensors under /data)
 * and pushes it as `image` with the push secret's docker config, retrying the push every 30 s.
 * Touches /tmp/upload_complete and exits 0 once pushed.
 */
export function adapterPusherScript(outputDir: string, image: string): string {
  const dir = shellQuote(outputDir);
  const ref = shellQuote(image);
  return `dockerd > /tmp/dockerd.log 2>&1 &
until docker info > /dev/null 2>&1; do
  echo "waiting for the docker daemon"
  sleep 1
done
mkdir -p /root/.docker
ln -sf /tmp/.docker/config/config.json /root/.docker/config.json
while true; do
  marker=$(find ${dir} -name fine_tuning_completed.txt | head -n 1)
  if [ -n "$marker" ]; then
    results=$(dirname "$marker")
    context=$(mktemp -d)
    cp "$results/adapter_config.json" "$results/adapter_model.safetensors" "$context/"
    printf 'FROM busybox:latest\\nRUN mkdir -p /data\\nADD adapter_config.json adapter_model.safetensors /data/\\n' > "$context/Dockerfile"
    docker build -t ${ref} "$context"
    until docker push ${ref}; do
      echo "push failed; retrying in 30 seconds"
      sleep 30
    done
    rm -rf "$context" "$marker"
    touch /tmp/upload_complete
    exit 0
  fi
  sleep 10
done
`;
}
