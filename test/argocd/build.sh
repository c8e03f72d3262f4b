#!/usr/bin/env bash
# Build the real Argo CD pieces the tests run, from the Go module proxy, pinned to one release:
#   argocd     github.com/argoproj/argo-cd/v3/cmd: the single Argo CD binary; started as
#              argocd-application-controller, argocd-repo-server or argocd-cmp-server (by the
#              name it runs under: the cache holds a symlink per name)
#   luahealth  our program around Argo CD's util/lua package (go/luahealth): health checks in
#              Argo CD's own Lua VM
#              (and crds/: Argo CD's Application and AppProject CRDs, and git-verify-wrapper.sh,
#              which its image puts on PATH and the repo server runs for every revision; both
#              copied from the module at build time)
#   redis      our program around github.com/alicebob/miniredis/v2 (go/redis), the Redis the
#              Argo CD components need
# into ${KAITO_GITOPS_CACHE:-$HOME/.cache/kaito-gitops}/argocd/<key>/bin, where <key> is the
# Argo CD version plus a hash of go/ (go.mod, go.sum, our sources) and the recipe. Whatever is
# already there is reused. Progress goes to stderr; the last line of stdout is the bin directory.
#
# Usage: test/argocd/build.sh [--only luahealth|argocd|redis]... [--regen] [--force] [--print-key]
#   --only NAME  build just these (default: all); the tests of the Lua checks need only luahealth
#   --regen      regenerate go/go.mod and go/go.sum for ARGOCD_VERSION below (copies Argo CD's
#                own replace directives, which a dependent module must repeat); commit the result
#   --force      rebuild even if cached
#   --print-key  print the cache key and exit
# Needs only Go (any version: GOTOOLCHAIN=auto fetches the toolchain go.mod names) and the proxy.
set -euo pipefail

ARGOCD_VERSION=v3.6.1
ARGOCD_MODULE=github.com/argoproj/argo-cd/v3

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MOD="$HERE/go"
CACHE_ROOT="${KAITO_GITOPS_CACHE:-$HOME/.cache/kaito-gitops}"
ALL=(luahealth redis argocd)
# The names the argocd binary answers to (cmd/main.go switches on argv[0]).
ARGOCD_NAMES=(argocd-application-controller argocd-repo-server argocd-cmp-server)

only=() regen=0 force=0 print_key=0
while (($#)); do
  case "$1" in
    --only) [[ $# -ge 2 ]] || { echo "build.sh: --only needs a name" >&2; exit 2; }
            case "$2" in luahealth|redis|argocd) only+=("$2") ;; *) echo "build.sh: --only $2: expected luahealth, redis or argocd" >&2; exit 2 ;; esac
            shift ;;
    --regen) regen=1 ;;
    --force) force=1 ;;
    --print-key) print_key=1 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
((${#only[@]})) || only=("${ALL[@]}")

START=$SECONDS
log() { printf '[argocd/build.sh +%3ds] %s\n' "$((SECONDS - START))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go (https://go.dev/dl/) and retry"

# Our environment must not leak into the build. Argo CD v3.6 needs Go 1.27: let go fetch it.
export GOWORK=off CGO_ENABLED=0 GOFLAGS="-buildvcs=false" GOTOOLCHAIN=auto

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1
  else shasum -a 256 | cut -d' ' -f1; fi
}

regen() {
  local t=$SECONDS json modfile goline
  log "regen: go/ for $ARGOCD_MODULE $ARGOCD_VERSION"
  rm -f "$MOD/go.mod" "$MOD/go.sum"
  (cd "$MOD" && go mod init kaito-gitops/test/argocd/go >/dev/null 2>&1)
  json="$(cd "$MOD" && GOFLAGS=-mod=mod go mod download -json "$ARGOCD_MODULE@$ARGOCD_VERSION")" \
    || die "go mod download $ARGOCD_MODULE@$ARGOCD_VERSION failed"
  modfile="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$modfile" ]] || die "could not locate the go.mod of $ARGOCD_MODULE@$ARGOCD_VERSION"
  goline="$(sed -n 's/^go \([0-9][0-9.]*\)$/\1/p' "$modfile" | head -n1)"
  local args=(-go="$goline" -require="$ARGOCD_MODULE@$ARGOCD_VERSION")
  # Replaces apply only in the main module, so repeat Argo CD's (k8s.io/* pins and a few others);
  # its local ones (./gitops-engine) are published modules at the same tag and need none.
  local line old new
  while IFS= read -r line; do
    old="$(awk '{print $1}' <<<"$line")"; new="$(awk '{print $3"@"$4}' <<<"$line")"
    args+=(-replace="$old=$new")
  done < <(awk '/^replace \($/{inblock=1; next} inblock && /^\)/{inblock=0} inblock' "$modfile" \
             | sed 's#//.*##' | awk 'NF==4 && $2=="=>"')
  (cd "$MOD" && go mod edit "${args[@]}")
  (cd "$MOD" && GOFLAGS=-mod=mod go mod tidy) || die "go mod tidy failed in $MOD"
  log "regen: done in $((SECONDS - t))s"
}

if ((regen)) || [[ ! -f "$MOD/go.sum" ]]; then regen; fi

LDFLAGS_ARGOCD="-s -w -X $ARGOCD_MODULE/common.version=${ARGOCD_VERSION#v} -X $ARGOCD_MODULE/common.gitTag=$ARGOCD_VERSION -X $ARGOCD_MODULE/common.gitTreeState=clean -X $ARGOCD_MODULE/common.buildDate=1970-01-01T00:00:00Z"
LDFLAGS_OURS="-s -w"
hash="$(cat "$MOD/go.mod" "$MOD/go.sum" "$MOD"/luahealth/*.go "$MOD"/redis/*.go \
  <(printf 'recipe 1\n%s\n%s\n' "$LDFLAGS_ARGOCD" "$LDFLAGS_OURS") | sha256 | cut -c1-16)"
KEY="argocd-$ARGOCD_VERSION-$hash"
if ((print_key)); then echo "$KEY"; exit 0; fi

BIN_DIR="$CACHE_ROOT/argocd/$KEY/bin"
missing=()
for b in "${only[@]}"; do
  if ((force)) || [[ ! -x "$BIN_DIR/$b" ]]; then missing+=("$b");
  elif [[ "$b" == argocd && ( ! -f "$BIN_DIR/crds/application-crd.yaml" || ! -x "$BIN_DIR/git-verify-wrapper.sh" ) ]]; then missing+=("$b"); fi
done
if ((${#missing[@]} == 0)); then
  log "${only[*]} cached in $BIN_DIR; nothing to do"
  echo "$BIN_DIR"
  exit 0
fi

log "building ${missing[*]} into $BIN_DIR"
mkdir -p "$BIN_DIR"
# Build next to the destination, then rename: a concurrent build or a reader never sees half a file.
STAGE="$(mktemp -d "$CACHE_ROOT/argocd/$KEY/.stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

step() { # name, package, ldflags
  local name="$1" pkg="$2" ldflags="$3" t=$SECONDS
  log "step: go build $name ($pkg)"
  (cd "$MOD" && go build -mod=readonly -trimpath -ldflags="$ldflags" -o "$STAGE/$name" "$pkg") \
    || die "go build of $pkg failed (module $MOD)"
  mv -f "$STAGE/$name" "$BIN_DIR/$name"
  log "step: $name done in $((SECONDS - t))s ($(du -m "$BIN_DIR/$name" | cut -f1) MB)"
}

for b in "${missing[@]}"; do
  case "$b" in
    luahealth) step luahealth ./luahealth "$LDFLAGS_OURS" ;;
    redis) step redis ./redis "$LDFLAGS_OURS" ;;
    argocd)
      if ((force)) || [[ ! -x "$BIN_DIR/argocd" ]]; then step argocd "$ARGOCD_MODULE/cmd" "$LDFLAGS_ARGOCD"; fi
      src="$(cd "$MOD" && go list -mod=readonly -m -f '{{.Dir}}' "$ARGOCD_MODULE")" || die "cannot locate $ARGOCD_MODULE in the module cache"
      mkdir -p "$BIN_DIR/crds"
      for crd in application-crd.yaml appproject-crd.yaml; do
        install -m 0644 "$src/manifests/crds/$crd" "$BIN_DIR/crds/$crd"
      done
      install -m 0755 "$src/hack/git-verify-wrapper.sh" "$BIN_DIR/git-verify-wrapper.sh"
      for n in "${ARGOCD_NAMES[@]}"; do ln -sfn argocd "$BIN_DIR/$n"; done
      v="$("$BIN_DIR/argocd" version --client --short 2>&1 || true)"
      [[ "$v" == *"${ARGOCD_VERSION#v}"* ]] || die "argocd version --client says '$v', expected $ARGOCD_VERSION"
      ;;
  esac
done

log "built ${missing[*]} in $((SECONDS - START))s"
echo "$BIN_DIR"
