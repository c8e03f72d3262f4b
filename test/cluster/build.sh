#!/usr/bin/env bash
# Build the binaries of the throwaway test cluster from the Go module proxy:
#   kube-apiserver, kube-controller-manager, kubectl  (k8s.io/kubernetes, wrapper module go/)
#   etcd                                              (go.etcd.io/etcd/server/v3, wrapper module etcd/)
# into ${KAITO_GITOPS_CACHE:-$HOME/.cache/kaito-gitops}/cluster/<key>/bin, where <key> is the
# versions plus a hash of the wrapper modules' go.mod/go.sum. If every binary is already there
# the script does nothing. Progress goes to stderr; the last line of stdout is the bin directory.
#
# Usage: test/cluster/build.sh [--regen] [--force] [--print-key]
#   --regen      regenerate go/go.mod, go/go.sum, etcd/go.mod, etcd/go.sum from the versions
#                below (the staging replaces are derived from k8s.io/kubernetes's own go.mod);
#                commit the result
#   --force      rebuild even if the binaries are cached
#   --print-key  print the cache key and exit
# Needs only Go (any version that can fetch the toolchain named in go.mod) and the module proxy.
set -euo pipefail

K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
# The staging modules (k8s.io/api, k8s.io/client-go, ...) are published as v0.MINOR.PATCH.
STAGING_VERSION="v0.${K8S_VERSION#v1.}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_MOD="$HERE/go"
ETCD_MOD="$HERE/etcd"
CACHE_ROOT="${KAITO_GITOPS_CACHE:-$HOME/.cache/kaito-gitops}"
K8S_BINARIES=(kube-apiserver kube-controller-manager kubectl)
ALL_BINARIES=("${K8S_BINARIES[@]}" etcd)

regen=0 force=0 print_key=0
for arg in "$@"; do
  case "$arg" in
    --regen) regen=1 ;;
    --force) force=1 ;;
    --print-key) print_key=1 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

START=$SECONDS
log() { printf '[cluster/build.sh +%3ds] %s\n' "$((SECONDS - START))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go (https://go.dev/dl/) and retry"

# Our environment must not leak into the build: no workspace file, no vendoring, no cgo.
export GOWORK=off CGO_ENABLED=0 GOFLAGS="-buildvcs=false"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1
  else shasum -a 256 | cut -d' ' -f1; fi
}

# Path of the go.mod of module@version, from the module cache (downloaded if needed).
modfile_of() {
  local json
  json="$(cd "$1" && GOFLAGS=-mod=mod go mod download -json "$2")" || die "go mod download $2 failed"
  printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

go_line_of() { sed -n 's/^go \([0-9][0-9.]*\)$/\1/p' "$1" | head -n1; }

write_tools_go() { # dir, imports...
  local dir="$1"; shift
  {
    echo '//go:build tools'
    echo
    echo '// Package tools pins the commands that test/cluster/build.sh compiles; it is never built.'
    echo 'package tools'
    echo
    echo 'import ('
    for imp in "$@"; do printf '\t_ "%s"\n' "$imp"; done
    echo ')'
  } >"$dir/tools.go"
}

regen_k8s() {
  local t=$SECONDS modfile goline staging=()
  log "regen: wrapper module go/ for k8s.io/kubernetes $K8S_VERSION"
  rm -f "$K8S_MOD/go.mod" "$K8S_MOD/go.sum"
  (cd "$K8S_MOD" && go mod init kaito-gitops/test/cluster/go >/dev/null 2>&1)
  modfile="$(modfile_of "$K8S_MOD" "k8s.io/kubernetes@$K8S_VERSION")"
  [[ -f "$modfile" ]] || die "could not locate the go.mod of k8s.io/kubernetes@$K8S_VERSION"
  goline="$(go_line_of "$modfile")"
  # Every "k8s.io/X => ./staging/src/k8s.io/X" line names a staging module.
  mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$modfile")
  ((${#staging[@]} > 0)) || die "no staging replaces found in $modfile"
  log "regen: ${#staging[@]} staging modules -> $STAGING_VERSION; go $goline"
  local args=(-go="$goline" -require="k8s.io/kubernetes@$K8S_VERSION")
  for m in "${staging[@]}"; do args+=(-replace="$m=$m@$STAGING_VERSION"); done
  (cd "$K8S_MOD" && go mod edit "${args[@]}")
  write_tools_go "$K8S_MOD" k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl
  (cd "$K8S_MOD" && GOFLAGS=-mod=mod go mod tidy -go="$goline") || die "go mod tidy failed in $K8S_MOD"
  log "regen: go/ done in $((SECONDS - t))s"
}

regen_etcd() {
  local t=$SECONDS modfile goline
  log "regen: wrapper module etcd/ for go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  rm -f "$ETCD_MOD/go.mod" "$ETCD_MOD/go.sum"
  (cd "$ETCD_MOD" && go mod init kaito-gitops/test/cluster/etcd >/dev/null 2>&1)
  modfile="$(modfile_of "$ETCD_MOD" "go.etcd.io/etcd/server/v3@$ETCD_VERSION")"
  [[ -f "$modfile" ]] || die "could not locate the go.mod of go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  goline="$(go_line_of "$modfile")"
  (cd "$ETCD_MOD" && go mod edit -go="$goline" -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION")
  write_tools_go "$ETCD_MOD" go.etcd.io/etcd/server/v3
  (cd "$ETCD_MOD" && GOFLAGS=-mod=mod go mod tidy -go="$goline") || die "go mod tidy failed in $ETCD_MOD"
  log "regen: etcd/ done in $((SECONDS - t))s"
}

if ((regen)) || [[ ! -f "$K8S_MOD/go.sum" ]]; then regen_k8s; fi
if ((regen)) || [[ ! -f "$ETCD_MOD/go.sum" ]]; then regen_etcd; fi

# Cache key: versions + hash of the wrapper modules (go.sum pins every byte of source; go.mod
# carries the replaces and the go line) + the build recipe below.
LDFLAGS_VERSION_VARS=""
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS_VERSION_VARS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  LDFLAGS_VERSION_VARS+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
K8S_LDFLAGS="-s -w$LDFLAGS_VERSION_VARS"
ETCD_LDFLAGS="-s -w"
hash="$(cat "$K8S_MOD/go.mod" "$K8S_MOD/go.sum" "$ETCD_MOD/go.mod" "$ETCD_MOD/go.sum" \
  <(printf 'recipe 1\n%s\n%s\n' "$K8S_LDFLAGS" "$ETCD_LDFLAGS") | sha256 | cut -c1-16)"
KEY="k8s-$K8S_VERSION-etcd-$ETCD_VERSION-$hash"
if ((print_key)); then echo "$KEY"; exit 0; fi

BIN_DIR="$CACHE_ROOT/cluster/$KEY/bin"

missing=()
for b in "${ALL_BINARIES[@]}"; do
  if ((force)) || [[ ! -x "$BIN_DIR/$b" ]]; then missing+=("$b"); fi
done
if ((${#missing[@]} == 0)); then
  log "all binaries cached in $BIN_DIR; nothing to do"
  echo "$BIN_DIR"
  exit 0
fi

log "building ${missing[*]} into $BIN_DIR ($(go version | cut -d' ' -f3-))"
mkdir -p "$BIN_DIR"
# Build next to the destination, then rename: a concurrent build or a reader never sees half a file.
STAGE="$(mktemp -d "$CACHE_ROOT/cluster/$KEY/.stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

step() { # name, module dir, package, ldflags
  local name="$1" dir="$2" pkg="$3" ldflags="$4" t=$SECONDS
  log "step: go build $name ($pkg)"
  (cd "$dir" && go build -mod=readonly -trimpath -ldflags="$ldflags" -o "$STAGE/$name" "$pkg") \
    || die "go build of $pkg failed (module $dir)"
  mv -f "$STAGE/$name" "$BIN_DIR/$name"
  log "step: $name done in $((SECONDS - t))s ($(du -m "$BIN_DIR/$name" | cut -f1) MB)"
}

t=$SECONDS
log "step: go mod download (both wrapper modules)"
(cd "$K8S_MOD" && go mod download) || die "go mod download failed in $K8S_MOD"
(cd "$ETCD_MOD" && go mod download) || die "go mod download failed in $ETCD_MOD"
log "step: downloads done in $((SECONDS - t))s"

for b in "${missing[@]}"; do
  case "$b" in
    etcd) step etcd "$ETCD_MOD" go.etcd.io/etcd/server/v3 "$ETCD_LDFLAGS" ;;
    *) step "$b" "$K8S_MOD" "k8s.io/kubernetes/cmd/$b" "$K8S_LDFLAGS" ;;
  esac
done

# Sanity: the binaries run and report the versions we asked for.
v="$("$BIN_DIR/kube-apiserver" --version 2>&1)"
[[ "$v" == *"$K8S_VERSION"* ]] || die "kube-apiserver --version says '$v', expected $K8S_VERSION"
v="$("$BIN_DIR/etcd" --version 2>&1 | head -n1)"
[[ "$v" == *"${ETCD_VERSION#v}"* ]] || die "etcd --version says '$v', expected $ETCD_VERSION"

log "built ${missing[*]} in $((SECONDS - START))s"
echo "$BIN_DIR"
