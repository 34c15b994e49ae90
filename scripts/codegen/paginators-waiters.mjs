// Generates, from botocore's paginators-1.json and waiters-2.json for S3 and IAM, data and types only
// (no function bodies; `Paginator.fromTable` and `Waiter.fromTable` in core interpret the tables):
//   packages/<pkg>/src/internal/generated/paginators.ts   one `Paginator.TypedSpec` per paginated operation
//                                                         (its client method and botocore's model), the
//                                                         `<Svc>Paginate` interface (client.paginate.*) and
//                                                         `paginators`, the table by method name
//   packages/<pkg>/src/internal/generated/waiters.ts      one `Waiter.TypedSpec` per waiter (its client method
//                                                         and botocore's model), the `<Svc>WaitFor` interface
//                                                         (client.waitFor.*) and `waiters`, the table by name
// The models are read from $BOTO3_MODELS_DIR, else the vendored scripts/models/boto3, as
// <service>-paginators-1.json and <service>-waiters-2.json (an optional
// <service>-paginators-1.sdk-extras.json overrides the built-in non_aggregate_keys below).
// Method names, input optionality and error types come from the operations interface that
// scripts/codegen/clients.mjs generates, so both generators agree on every name.
import { access, readFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { generate as generateClients } from "./clients.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const generator = "scripts/codegen/paginators-waiters.mjs"

// botocore keeps S3's non_aggregate_keys in a separate file that the reference copy does not
// include: botocore/data/s3/2006-03-01/paginators-1.sdk-extras.json (merged over paginators-1.json).
const builtinExtras = {
  s3: {
    ListBuckets: ["Owner", "Prefix"],
    ListMultipartUploads: ["RequestCharged", "Prefix"],
    ListObjectVersions: ["RequestCharged", "Prefix"],
    ListObjects: ["RequestCharged", "Prefix"],
    ListObjectsV2: ["RequestCharged", "Prefix"],
    ListParts: ["ChecksumAlgorithm", "Initiator", "Owner", "StorageClass", "ChecksumType"]
  },
  iam: {}
}

const services = [
  { model: "s3", pkg: "s3", sdk: "@aws-sdk/client-s3", id: "S3" },
  { model: "iam", pkg: "iam", sdk: "@aws-sdk/client-iam", id: "IAM" }
]

// IAM's generated modules take the SDK's types with policy documents decoded (see
// scripts/codegen/validation.mjs and packages/iam/src/PolicyDocument.ts).
const sdkTypes = (service) => (service.id === "IAM" ? "./sdkTypes.js" : service.sdk)
// The import of `Sdk`, placed where the formatter sorts it (packages first, relative paths last).
const sdkImport = (service, place) => {
  const from = sdkTypes(service)
  const relative = from.startsWith(".")
  return (place === "last") === relative ? `import type * as Sdk from "${from}"\n` : ""
}

const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
const asArray = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])

// botocore's xform_name: "ListMFADevices" -> "list_mfa_devices", "ListObjectsV2" -> "list_objects_v2".
const snake = (name) => {
  let n = name
  const special = /[A-Z]{2,}s$/.exec(n)
  if (special) n = `${n.slice(0, -special[0].length)}_${special[0].toLowerCase()}`
  return n.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}

const modelsDir = async () => {
  const dir = process.env.BOTO3_MODELS_DIR ?? path.join(root, "scripts", "models", "boto3")
  for (const service of services) {
    for (const file of [`${service.model}-paginators-1.json`, `${service.model}-waiters-2.json`]) {
      try {
        await access(path.join(dir, file))
      } catch {
        throw new Error(
          `${generator}: cannot read ${path.join(dir, file)}. Set BOTO3_MODELS_DIR to a directory holding ` +
            `botocore's models as <service>-paginators-1.json and <service>-waiters-2.json (s3, iam).`
        )
      }
    }
  }
  return dir
}

// The JMESPath subset the core engine evaluates (packages/core/src/internal/jmespath.ts).
const pathSyntax = String.raw`[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[-?\d+\]|\[\*?\])*`
const expressionSyntax = new RegExp(String.raw`^\s*${pathSyntax}(?:\s*\|\|\s*${pathSyntax})*\s*$`)
const checkExpression = (where, expression) => {
  if (!expressionSyntax.test(expression)) {
    throw new Error(`${generator}: ${where}: "${expression}" is outside the JMESPath subset the engine supports`)
  }
}

const readJson = async (file) => JSON.parse(await readFile(file, "utf8"))

const readExtras = async (dir, service) => {
  const file = path.join(dir, `${service.model}-paginators-1.sdk-extras.json`)
  const found = await readFile(file, "utf8").then((text) => JSON.parse(text), () => undefined)
  if (found === undefined) return builtinExtras[service.model]
  const result = {}
  for (const [op, entry] of Object.entries(found.merge?.pagination ?? {})) {
    if (entry.non_aggregate_keys) result[op] = entry.non_aggregate_keys
  }
  return result
}

// The operations interface generated by clients.mjs: method name, command name, optional input.
const readOperations = (clientsOutputs, service) => {
  const file = `packages/${service.pkg}/src/internal/generated/operations.ts`
  const output = clientsOutputs.find((o) => o.path === file)
  if (!output) throw new Error(`${generator}: clients.mjs produced no ${file}`)
  const byCommand = new Map()
  for (const m of output.content.matchAll(/^ {2}(\w+)\(\n {4}input(\??): Sdk\.(\w+)CommandInput,$/gm)) {
    byCommand.set(m[3], { method: m[1], optional: m[2] === "?" })
  }
  if (byCommand.size === 0) throw new Error(`${generator}: found no operation in the generated ${file}`)
  const version = /^\/\/ Inputs: \S+ (\S+) /m.exec(output.content)?.[1] ?? "unknown"
  return { byCommand, version }
}

// Set by generate(): the version of the vendored models, for the headers.
let modelsVersion = ""

const header = (service, sdkVersion, what) =>
  `// This file is generated by ${generator}. Do not edit.\n` +
  `// Inputs: scripts/models/boto3/${service.model}-${what} (${modelsVersion}) for ${service.id},\n` +
  `// checked against ${service.sdk} ${sdkVersion}.\n`

const skippedNote = (skipped, service, sdkVersion) =>
  skipped.length === 0
    ? `// Every entry of the model is generated; none is skipped.\n`
    : `// Skipped (the model has them, ${service.sdk} ${sdkVersion} has no such operation):\n` +
      skipped.map((s) => `//   ${s}\n`).join("")

const list = (values) => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`

const paginatorsModule = (service, model, extras, ops) => {
  const entries = Object.entries(model.pagination).sort(([a], [b]) => byName(a, b))
  const skipped = []
  const ok = []
  for (const [name, entry] of entries) {
    const op = ops.byCommand.get(name)
    if (!op) {
      skipped.push(`${name}: no ${name}Command`)
      continue
    }
    const resultKeys = asArray(entry.result_key)
    for (const e of [...asArray(entry.output_token), ...asArray(entry.more_results)]) checkExpression(name, e)
    for (const key of resultKeys) {
      if (!/^\w+$/.test(key)) {
        throw new Error(`${generator}: ${service.id} ${name}: result key "${key}" is not a member name`)
      }
    }
    ok.push({
      name,
      ...op,
      inputTokens: asArray(entry.input_token),
      outputTokens: asArray(entry.output_token),
      moreResults: entry.more_results,
      limitKey: entry.limit_key,
      resultKeys,
      nonAggregateKeys: [...new Set([...asArray(entry.non_aggregate_keys), ...(extras[name] ?? [])])]
    })
  }
  const Svc = service.id
  const out = [header(service, ops.version, "paginators-1.json"), skippedNote(skipped, service, ops.version)]
  out.push(`${sdkImport(service, "first")}import type * as Paginator from "@effect-boto/core/Paginator"
import type * as ${Svc}Error from "../../${Svc}Error.js"
import type { ${Svc}Operations } from "./operations.js"
${sdkImport(service, "last")}`)
  for (const p of ok) {
    const fields = [
      `  service: "${Svc}"`,
      `  operation: "${p.name}"`,
      `  method: "${p.method}"`,
      ...(p.optional ? [`  optionalInput: true`] : []),
      `  inputTokens: ${list(p.inputTokens)}`,
      `  outputTokens: ${list(p.outputTokens)}`,
      ...(p.moreResults === undefined ? [] : [`  moreResults: ${JSON.stringify(p.moreResults)}`]),
      ...(p.limitKey === undefined ? [] : [`  limitKey: ${JSON.stringify(p.limitKey)}`]),
      `  resultKeys: ${list(p.resultKeys)}`,
      ...(p.nonAggregateKeys.length === 0 ? [] : [`  nonAggregateKeys: ${list(p.nonAggregateKeys)}`])
    ]
    out.push(`/**
 * botocore's paginator model of ${p.name}.
 *
 * @since 0.1.0
 * @category models
 */
export const ${p.name}: Paginator.TypedSpec<
  ${Svc}Operations,
  Sdk.${p.name}CommandInput,
  Sdk.${p.name}CommandOutput,
  "${p.resultKeys[0]}"
> = {
${fields.join(",\n")}
}
`)
  }
  out.push(`/**
 * \`client.paginate\`: one paginator per paginated operation of botocore's ${Svc} model (${ok.length}).
 * Each returns a \`Paginator\` — a Stream of pages with \`items()\`, \`fullResult()\` and
 * \`pagesWithToken()\` — whose pages are requested through the client's own operation method.
 *
 * @since 0.1.0
 * @category models
 */
export interface ${Svc}Paginate {`)
  out.push(
    ok.map((p) => {
      const q = p.optional ? "?" : ""
      const limit = p.limitKey === undefined ? "no page size" : `\`pageSize\` → \`${p.limitKey}\``
      return `  /**
   * Pages through ${p.name} (boto3: \`client.get_paginator("${snake(p.name)}").paginate(...)\`).
   * Items: \`${p.resultKeys[0]}\`; result keys: ${p.resultKeys.join(", ")}; ${limit};
   * tokens: ${p.inputTokens.join(", ")}.
   */
  ${p.method}(
    input${q}: Sdk.${p.name}CommandInput,
    options?: Paginator.Options
  ): Paginator.Paginator<
    Sdk.${p.name}CommandOutput,
    NonNullable<Sdk.${p.name}CommandOutput["${p.resultKeys[0]}"]>[number],
    ${Svc}Error.${p.name}Error | Paginator.PaginationError
  >`
    }).join("\n") + "\n}\n"
  )
  out.push(`/**
 * The paginators of \`client.paginate\` by method name: the table \`Paginator.fromTable\` builds it from.
 *
 * @since 0.2.0
 * @category models
 */
export const paginators: Paginator.Table<${Svc}Paginate> = {
${ok.map((p) => `  ${p.method}: ${p.name}`).join(",\n")}
}
`)
  return { content: out.join("\n"), count: ok.length, skipped }
}

const explainAcceptor = (a) => {
  const expected = JSON.stringify(a.expected)
  switch (a.matcher) {
    case "status":
      return `${a.state} on status ${expected}`
    case "error":
      return `${a.state} on error ${expected}`
    default:
      return `${a.state} when ${a.matcher} ${JSON.stringify(a.argument)} is ${expected}`
  }
}

const waitersModule = (service, model, ops) => {
  const entries = Object.entries(model.waiters).sort(([a], [b]) => byName(a, b))
  const skipped = []
  const ok = []
  for (const [name, entry] of entries) {
    const op = ops.byCommand.get(entry.operation)
    if (!op) {
      skipped.push(`${name}: no ${entry.operation}Command`)
      continue
    }
    for (const a of entry.acceptors) if (a.argument !== undefined) checkExpression(name, a.argument)
    ok.push({ name, method: name.charAt(0).toLowerCase() + name.slice(1), op, ...entry })
  }
  const Svc = service.id
  const out = [header(service, ops.version, "waiters-2.json"), skippedNote(skipped, service, ops.version)]
  out.push(`${sdkImport(service, "first")}import type * as Waiter from "@effect-boto/core/Waiter"
import type * as Effect from "effect/Effect"
import type { ${Svc}Operations } from "./operations.js"
${sdkImport(service, "last")}`)
  for (const w of ok) {
    const acceptors = w.acceptors.map((a) => {
      const fields = [
        `state: ${JSON.stringify(a.state)}`,
        `matcher: ${JSON.stringify(a.matcher)}`,
        `expected: ${JSON.stringify(a.expected)}`,
        ...(a.argument === undefined ? [] : [`argument: ${JSON.stringify(a.argument)}`])
      ]
      return `    { ${fields.join(", ")} }`
    })
    out.push(`/**
 * botocore's waiter model of ${w.name}.
 *
 * @since 0.1.0
 * @category models
 */
export const ${w.name}: Waiter.TypedSpec<${Svc}Operations> = {
  name: "${w.name}",
  service: "${Svc}",
  operation: "${w.operation}",
  method: "${w.op.method}",
${w.op.optional ? "  optionalInput: true,\n" : ""}  delay: ${w.delay},
  maxAttempts: ${w.maxAttempts},
  acceptors: [
${acceptors.join(",\n")}
  ]
}
`)
  }
  out.push(`/**
 * \`client.waitFor\`: the waiters of botocore's ${Svc} model (${ok.length}). Each polls its operation
 * through the client's own method and succeeds with \`void\` or fails with \`Waiter.WaiterError\`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ${Svc}WaitFor {`)
  out.push(
    ok.map((w) => {
      const q = w.op.optional ? "?" : ""
      return `  /**
   * Waits with ${w.operation} (boto3: \`client.get_waiter("${snake(w.name)}").wait(...)\`): polls every
   * ${w.delay} s, at most ${w.maxAttempts} times; ${w.acceptors.map(explainAcceptor).join("; ")}.
   */
  ${w.method}(
    input${q}: Sdk.${w.operation}CommandInput,
    options?: Waiter.Options
  ): Effect.Effect<void, Waiter.WaiterError>`
    }).join("\n") + "\n}\n"
  )
  out.push(`/**
 * The waiters of \`client.waitFor\` by name: the table \`Waiter.fromTable\` builds it from.
 *
 * @since 0.2.0
 * @category models
 */
export const waiters: Waiter.Table<${Svc}WaitFor> = {
${ok.map((w) => `  ${w.method}: ${w.name}`).join(",\n")}
}
`)
  return { content: out.join("\n"), count: ok.length, skipped }
}

export async function generate() {
  const dir = await modelsDir()
  // The vendored models record botocore's version (scripts/vendor-models.mjs).
  const versionFile = await readFile(path.join(dir, "..", "botocore", "VERSION"), "utf8").catch(() => undefined)
  const recorded = versionFile === undefined ? undefined : /\d+\.\d+\.\d+/.exec(versionFile)?.[0]
  modelsVersion = recorded === undefined ? "version not recorded" : `vendored with botocore ${recorded}`
  const clientsOutputs = await generateClients()
  const outputs = []
  for (const service of services) {
    const ops = readOperations(clientsOutputs, service)
    const paginators = await readJson(path.join(dir, `${service.model}-paginators-1.json`))
    const waiters = await readJson(path.join(dir, `${service.model}-waiters-2.json`))
    const extras = await readExtras(dir, service)
    const p = paginatorsModule(service, paginators, extras, ops)
    const w = waitersModule(service, waiters, ops)
    outputs.push({ path: `packages/${service.pkg}/src/internal/generated/paginators.ts`, content: p.content })
    outputs.push({ path: `packages/${service.pkg}/src/internal/generated/waiters.ts`, content: w.content })
  }
  return outputs
}
