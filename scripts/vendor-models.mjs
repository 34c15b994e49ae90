#!/usr/bin/env node
// Copies the models the generators read into scripts/models/, so a clone regenerates with nothing
// beside it: boto3's resources / paginators / waiters JSON as they are, and botocore's service
// models trimmed to what scripts/codegen/*.mjs read (operations' input shapes and error lists;
// shapes' types, members, required lists, lengths and ranges). Documentation, XML details and
// patterns are dropped (patterns are not enforced, as in boto3).
//
// Run: node scripts/vendor-models.mjs [referenceDir]   (default: <repo>/../shared/reference, which
// holds boto3/*.json and botocore/{VERSION,<service>-service-2.json})
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const source = path.resolve(process.argv[2] ?? path.join(root, "..", "shared", "reference"))
const target = path.join(root, "scripts", "models")

const pick = (object, keys) => {
  const out = {}
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key]
  return out
}

const memberKeys = ["shape", "hostLabel", "streaming", "idempotencyToken", "location", "locationName"]
const shapeKeys = [
  "type",
  "required",
  "min",
  "max",
  "member",
  "key",
  "value",
  "union",
  "streaming",
  "exception",
  "error"
]

const trim = (model) => {
  const operations = {}
  for (const name of Object.keys(model.operations).sort()) {
    const op = model.operations[name]
    operations[name] = pick(op, ["input", "output", "errors", "http"])
  }
  const shapes = {}
  for (const name of Object.keys(model.shapes).sort()) {
    const shape = pick(model.shapes[name], shapeKeys)
    if (shape.member !== undefined) shape.member = pick(shape.member, ["shape"])
    if (shape.key !== undefined) shape.key = pick(shape.key, ["shape"])
    if (shape.value !== undefined) shape.value = pick(shape.value, ["shape"])
    if (model.shapes[name].members !== undefined) {
      shape.members = {}
      for (const [member, spec] of Object.entries(model.shapes[name].members)) {
        shape.members[member] = pick(spec, memberKeys)
      }
    }
    shapes[name] = shape
  }
  return { version: model.version, metadata: model.metadata, operations, shapes }
}

await mkdir(path.join(target, "boto3"), { recursive: true })
await mkdir(path.join(target, "botocore"), { recursive: true })
for (const file of (await readdir(path.join(source, "boto3"))).filter((f) => f.endsWith(".json")).sort()) {
  await copyFile(path.join(source, "boto3", file), path.join(target, "boto3", file))
}
const version = (await readFile(path.join(source, "botocore", "VERSION"), "utf8")).trim()
await writeFile(
  path.join(target, "botocore", "VERSION"),
  `${version}\nTrimmed by scripts/vendor-models.mjs to what the generators read.\n`
)
for (const file of (await readdir(path.join(source, "botocore"))).filter((f) => f.endsWith("-service-2.json")).sort()) {
  const model = JSON.parse(await readFile(path.join(source, "botocore", file), "utf8"))
  await writeFile(path.join(target, "botocore", file), JSON.stringify(trim(model), null, 1) + "\n")
}
console.log(`vendor-models: ${source} -> ${path.relative(root, target)}`)
