#!/usr/bin/env bash
# Packaging check: `npm pack` each package, install the tarballs into a fresh project outside the
# workspace next to that project's own effect and AWS SDK, type-check a consumer under NodeNext and
# run it against a local moto server.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

work="$(mktemp -d -t effect-boto-pack-XXXXXX)"
moto_pid=""
cleanup() {
  [[ -n "$moto_pid" ]] && kill "$moto_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "[pack-check] building and packing into $work/tarballs"
(cd "$repo" && npm run build --silent)
mkdir -p "$work/tarballs" "$work/app"
for pkg in core s3 iam; do
  (cd "$repo/packages/$pkg" && npm pack --silent --pack-destination "$work/tarballs" >/dev/null)
done
ls "$work/tarballs"

# The consumer pins the same third-party versions the workspace was tested with.
ver() { node -p "require('$repo/node_modules/$1/package.json').version"; }
cd "$work/app"
cat >package.json <<JSON
{ "name": "effect-boto-consumer", "private": true, "type": "module" }
JSON
echo "[pack-check] installing the tarballs with effect, @effect/platform and the AWS SDK from the registry"
npm install --no-audit --no-fund --silent \
  "$work"/tarballs/*.tgz \
  "effect@$(ver effect)" "@effect/platform@$(ver @effect/platform)" \
  "@effect/platform-node@$(ver @effect/platform-node)" "aws-sdk-client-mock@$(ver aws-sdk-client-mock)" \
  "@aws-sdk/client-s3@$(ver @aws-sdk/client-s3)" "@aws-sdk/client-iam@$(ver @aws-sdk/client-iam)" \
  "typescript@$(ver typescript)" "@types/node@$(ver @types/node)"

cp "$repo/scripts/pack-check/consumer.ts" ./consumer.ts
# Each package README's ```ts snippet must type-check and run from the packed packages too.
for pkg in core s3 iam; do
  node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8")
    const match = /```ts\n([\s\S]*?)```/.exec(text)
    if (!match) { console.error("no ts snippet in " + process.argv[1]); process.exit(1) }
    process.stdout.write(match[1])
  ' "$repo/packages/$pkg/README.md" >"readme-$pkg.ts"
done
# Every ```ts snippet of the main README's "Use it in your app" and "Testing your code" sections,
# one file each (readme-app-1.ts, …).
node -e '
  const fs = require("fs")
  const text = fs.readFileSync(process.argv[1], "utf8")
  const start = text.indexOf("\n## Use it in your app")
  const end = text.indexOf("\n## ", text.indexOf("\n## Testing your code") + 1)
  if (start < 0 || end < 0) { console.error("README sections not found"); process.exit(1) }
  const blocks = [...text.slice(start, end).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
  if (blocks.length === 0) { console.error("no ts snippets in the README sections"); process.exit(1) }
  blocks.forEach((code, i) => fs.writeFileSync(`readme-app-${i + 1}.ts`, code))
' "$repo/README.md"
app_snippets=(readme-app-*.ts)
cat >tsconfig.json <<JSON
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "skipLibCheck": false,
    "types": ["node"],
    "outDir": "out"
  },
  "files": ["consumer.ts", "readme-core.ts", "readme-s3.ts", "readme-iam.ts"$(printf ', "%s"' "${app_snippets[@]}")]
}
JSON
echo "[pack-check] type-checking the consumer under NodeNext (skipLibCheck off for our declarations)"
npx tsc -p tsconfig.json

# Internal modules must not be importable.
if node --input-type=module -e 'await import("@effect-boto/core/internal/anything")' 2>/dev/null; then
  echo "[pack-check] @effect-boto/core/internal/* is importable but must be hidden" >&2
  exit 1
fi

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$repo/scripts/moto-python" -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  curl -sf -X POST "http://127.0.0.1:$port/moto-api/reset" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "[pack-check] running the consumer against moto on port $port"
AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=AKIAPACKCHECK0000001 AWS_SECRET_ACCESS_KEY=pack-check-secret \
  AWS_REGION=eu-west-1 AWS_EC2_METADATA_DISABLED=true node out/consumer.js
for pkg in core s3 iam; do
  echo "[pack-check] running the snippet of packages/$pkg/README.md"
  AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=AKIAPACKCHECK0000001 AWS_SECRET_ACCESS_KEY=pack-check-secret \
    AWS_REGION=eu-west-1 AWS_EC2_METADATA_DISABLED=true node "out/readme-$pkg.js"
done
for snippet in "${app_snippets[@]}"; do
  echo "[pack-check] running $snippet (README: Use it in your app / Testing your code)"
  MOTO_URL="http://127.0.0.1:$port" AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=AKIAPACKCHECK0000001 \
    AWS_SECRET_ACCESS_KEY=pack-check-secret AWS_REGION=eu-west-1 AWS_EC2_METADATA_DISABLED=true \
    node "out/${snippet%.ts}.js"
done
echo "[pack-check] ok"
