// Generates, from the INSTALLED @aws-sdk/client-s3 and @aws-sdk/client-iam type declarations:
//   packages/<pkg>/src/<Svc>Error.ts     one error class per modelled exception, the union of them, each
//                                        operation's modelled exceptions as data (`operationErrors`) and
//                                        its error type derived from them
//   packages/<pkg>/src/internal/generated/operations.ts
//                                        the operations interface (one camelCase method per *Command,
//                                        with its docs) and the table `ClientRuntime.makeOperations` reads
// Sources: dist-types/commands/index.d.ts (the commands), each command's `@throws {@link X}` JSDoc
// lines (its modelled exceptions), models/*.d.ts (every exception class and each request shape).
import { ESLint } from "eslint"
import { readdir, readFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { policyOutputs } from "./validation.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const generator = "scripts/codegen/clients.mjs"

const services = [
  { pkg: "s3", sdk: "@aws-sdk/client-s3", id: "S3", base: "S3ServiceException", client: "S3Client" },
  {
    pkg: "iam",
    sdk: "@aws-sdk/client-iam",
    id: "IAM",
    base: "IAMServiceException",
    client: "IAMClient",
    policyDocuments: true
  },
  // Not a package: the test of ClientFactory shows that a further service is this generator run
  // plus a short description (test/support/sts.ts). botocore's STS model is not vendored, so it
  // has no service-wide errors from it (and no input rules: scripts/codegen/validation.mjs).
  {
    pkg: "sts",
    sdk: "@aws-sdk/client-sts",
    id: "STS",
    base: "STSServiceException",
    client: "STSClient",
    dir: "test/support/generated/sts"
  }
]

// Where a service's generated files go: a package's source, or `dir` for one that is not a package.
const errorsPath = (service) =>
  service.dir !== undefined
    ? `${service.dir}/${service.id}Error.ts`
    : `packages/${service.pkg}/src/${service.id}Error.ts`
const operationsPath = (service) =>
  service.dir !== undefined
    ? `${service.dir}/operations.ts`
    : `packages/${service.pkg}/src/internal/generated/operations.ts`
const errorsImport = (service) => {
  const rel = path.posix.relative(path.posix.dirname(operationsPath(service)), errorsPath(service))
  return (rel.startsWith(".") ? rel : `./${rel}`).replace(/\.ts$/, ".js")
}

// Tags of the errors every operation can raise (core AwsError). A modelled exception with one of
// these names replaces the common error in the operations that declare it.
const commonTags = ["AccessDenied", "Throttling", "InvalidCredentials", "ServiceUnavailable", "AwsUnknownError"]
const reservedTags = ["AwsTransportError", "NoCredentials", "CredentialsProviderError"]

const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1)

// Plain text from SDK JSDoc HTML: tags dropped, entities decoded, whitespace collapsed, and nothing
// that could close or confuse our own JSDoc.
const plain = (html) =>
  html
    .replace(/^\s*\*\s?/gm, "")
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, "\"")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .replace(/\*\//g, "*\\/")
    .replace(/@/g, "(at)")
    .trim()

const firstSentence = (text) => {
  const match = /^(.+?[.!?])(\s|$)/.exec(text)
  let sentence = match ? match[1] : text
  if (sentence.length > 300) sentence = sentence.slice(0, 297).replace(/\s+\S*$/, "") + " …"
  return sentence
}

// The description of a declaration: the JSDoc block right before `marker`, without @tags.
const docBefore = (source, index) => {
  const end = source.lastIndexOf("*/", index)
  const start = source.lastIndexOf("/**", end)
  if (start < 0 || end < 0 || source.slice(end + 2, index).trim() !== "") return ""
  const body = source.slice(start + 3, end)
  const cut = body.search(/^\s*\*\s*@/m)
  return plain(cut >= 0 ? body.slice(0, cut) : body)
}

const readSdk = async (service) => {
  const dir = path.join(root, "node_modules", service.sdk)
  const version = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")).version
  const types = path.join(dir, "dist-types")

  const modelFiles = (await readdir(path.join(types, "models"))).filter((f) => f.endsWith(".d.ts")).sort(byName)
  const models = new Map()
  for (const file of modelFiles) models.set(file, await readFile(path.join(types, "models", file), "utf8"))

  const exceptions = new Map()
  for (const source of models.values()) {
    const re = /export declare class (\w+) extends __BaseException \{/g
    for (let m; (m = re.exec(source));) {
      const body = source.slice(m.index, source.indexOf("\n}", m.index))
      const fault = /readonly \$fault: "(client|server)"/.exec(body)?.[1] ?? "client"
      exceptions.set(m[1], { name: m[1], fault, doc: firstSentence(docBefore(source, m.index)) })
    }
  }

  const requests = new Map()
  for (const source of models.values()) {
    const re = /export interface (\w+)( extends [^{]+)? \{\n/g
    for (let m; (m = re.exec(source));) {
      const bodyStart = m.index + m[0].length
      const body = source.slice(bodyStart, source.indexOf("\n}", bodyStart))
      const members = []
      for (const line of body.split("\n")) {
        const member = /^ {4}(\w+)(\??):/.exec(line)
        if (member) members.push({ name: member[1], required: member[2] === "" })
      }
      requests.set(m[1], { extendsOther: m[2] !== undefined, members })
    }
  }

  const index = await readFile(path.join(types, "commands", "index.d.ts"), "utf8")
  const commandNames = [...index.matchAll(/export \* from "\.\/(\w+)Command";/g)].map((m) => m[1]).sort(byName)
  if (commandNames.length === 0) throw new Error(`${service.sdk}: no commands found in dist-types/commands/index.d.ts`)

  const commands = []
  for (const name of commandNames) {
    const source = await readFile(path.join(types, "commands", `${name}Command.d.ts`), "utf8")
    const throws = [...source.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]).filter((e) => e !== service.base)
    const errors = [...new Set(throws)].sort(byName)
    for (const e of errors) {
      if (!exceptions.has(e)) throw new Error(`${service.sdk}: ${name} throws ${e}, which is not a modelled exception`)
    }
    const classIndex = source.indexOf(`export declare class ${name}Command `)
    const doc = classIndex >= 0 ? firstSentence(docBefore(source, classIndex)) : ""
    commands.push({
      name,
      method: lowerFirst(name),
      errors,
      doc,
      inputOptional: inputIsOptional(source, name, requests),
      streaming: streamingMembers(source, name, models)
    })
  }
  return { version, exceptions, commands }
}

// An input whose members are all optional becomes an optional parameter (`listBuckets()`).
const inputIsOptional = (source, name, requests) => {
  const decl = new RegExp(`export interface ${name}CommandInput( extends ([^{]+))? \\{\\n([^}]*)\\}`).exec(source)
  if (!decl) throw new Error(`${name}: cannot find ${name}CommandInput`)
  const own = [...decl[3].matchAll(/^ {4}(\w+)(\??):/gm)]
  if (own.some((m) => m[2] === "")) return false
  if (decl[2] === undefined) return true
  const parent = /^(?:Omit<(\w+), ((?:"\w+"(?: \| )?)+)>|(\w+))\s*$/.exec(decl[2].trim())
  if (!parent) return false
  const requestName = parent[1] ?? parent[3]
  const omitted = parent[2] ? [...parent[2].matchAll(/"(\w+)"/g)].map((m) => m[1]) : []
  const request = requests.get(requestName)
  if (!request || request.extendsOther) return false
  return request.members.every((m) => !m.required || omitted.includes(m.name))
}

// ---------------------------------------------------------------------------------------------
// Streaming members (S3Body): output blobs become S3Body values, event streams become Streams,
// input blobs also accept a Stream<Uint8Array, E>. Read from the command declarations.

const membersTyped = (source, iface, type) => {
  const decl = new RegExp(`export interface ${iface}\\b[^{]*\\{\\n([^}]*)\\}`).exec(source)
  return decl ? [...decl[1].matchAll(new RegExp(`^ {4}(\\w+)\\??: ${type};`, "gm"))].map((m) => m[1]) : []
}

const streamingMembers = (source, name, models) => {
  const output = membersTyped(source, `${name}CommandOutput`, "StreamingBlobPayloadOutputTypes")
  const input = membersTyped(source, `${name}CommandInput`, "StreamingBlobPayloadInputTypes")
  const parent = new RegExp(`export interface ${name}CommandOutput extends (\\w+),`).exec(source)?.[1]
  const events = parent === undefined
    ? []
    : [...models.values()].flatMap((m) => membersTyped(m, parent, "AsyncIterable<\\w+> \\| undefined"))
  const found = [
    ...output.map((m) => ({ kind: "body", member: m })),
    ...input.map((m) => ({ kind: "input", member: m })),
    ...events.map((m) => ({ kind: "events", member: m }))
  ]
  if (found.length > 1) throw new Error(`${name}: more than one streaming member (${found.map((f) => f.member)})`)
  return found[0]
}

const hasStreaming = (sdk) => sdk.commands.some((c) => c.streaming !== undefined)

// The method of the operations interface.
const streamingSignature = (service, c, q) => {
  const err = `${service.id}Error.${c.name}Error`
  const input = `Sdk.${c.name}CommandInput`
  const output = `Sdk.${c.name}CommandOutput`
  switch (c.streaming?.kind) {
    case "body":
      return `${c.method}(\n    input${q}: ${input},\n    options?: ClientRuntime.CallOptions\n  ): Effect.Effect<S3Body.WithBody<${output}, "${c.streaming.member}">, ${err}>`
    case "events":
      return `${c.method}(\n    input${q}: ${input},\n    options?: ClientRuntime.CallOptions\n  ): Effect.Effect<S3Body.WithEvents<${output}, "${c.streaming.member}">, ${err}>`
    case "input":
      return `${c.method}<E = never>(\n    input${q}: S3Body.StreamingInput<${input}, "${c.streaming.member}", E>,\n    options?: ClientRuntime.CallOptions\n  ): Effect.Effect<${output}, ${err} | E>`
    default:
      return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Errors the service raises beyond the SDK's model, each with its source (cited in the docs).
// botocore's model is read from the vendored copy (scripts/models/botocore).

const botocoreDir = path.join(root, "scripts", "models", "botocore")

// Operations answered by HEAD: the answer has no body, so S3 cannot send an error code in it (the
// SDK names a 404 `NotFound`); an error class there would invite a catchTag that never fires.
const headOperations = ["HeadBucket", "HeadObject"]

const s3ErrorCodes = "S3 API Reference, Error responses (List of error codes)"

// Per operation (command name): the extra errors and why each is there.
const serviceWideErrors = async (service, commands) => {
  const extra = new Map()
  const skipped = new Map()
  const modelText = await readFile(path.join(botocoreDir, `${service.pkg}-service-2.json`), "utf8").catch(() =>
    undefined
  )
  if (modelText === undefined) return { extra, skipped }
  const model = JSON.parse(modelText)
  const version = (await readFile(path.join(botocoreDir, "VERSION"), "utf8")).split(" service models")[0]
  const add = (command, error, source) => {
    if (command.errors.includes(error)) return
    const list = extra.get(command.name) ?? []
    if (!list.some((e) => e.error === error)) list.push({ error, source })
    extra.set(command.name, list)
  }
  for (const command of commands) {
    const op = model.operations[command.name]
    if (op === undefined) continue
    const members = op.input ? Object.keys(model.shapes[op.input.shape].members ?? {}) : []
    // What botocore's model lists and the SDK's does not.
    for (const { shape } of op.errors ?? []) {
      if (command.errors.includes(shape)) continue
      if (headOperations.includes(command.name)) {
        skipped.set(command.name, [...(skipped.get(command.name) ?? []), shape])
        continue
      }
      add(command, shape, `${version} ${service.pkg}-service-2.json lists it for ${command.name}`)
    }
    if (service.id !== "S3" || headOperations.includes(command.name)) continue
    if (members.includes("Bucket") && command.name !== "CreateBucket") {
      add(
        command,
        "NoSuchBucket",
        `S3 answers it to any request addressed to a bucket that does not exist: ${s3ErrorCodes}`
      )
    }
    if (members.includes("CopySource")) {
      add(command, "NoSuchKey", `S3 answers it when the copy source does not exist: S3 API Reference, ${command.name}`)
    }
    if (members.includes("UploadId")) {
      add(command, "NoSuchUpload", `S3 answers it for an unknown or finished multipart upload: ${s3ErrorCodes}`)
    }
  }
  for (const list of extra.values()) list.sort((a, b) => byName(a.error, b.error))
  return { extra, skipped }
}

// The commands with their service-wide errors merged in, and the doc text citing their sources.
const withServiceWideErrors = async (service, sdk) => {
  const { extra, skipped } = await serviceWideErrors(service, sdk.commands)
  for (const [name, list] of extra) {
    for (const { error } of list) {
      if (!sdk.exceptions.has(error)) throw new Error(`${service.sdk}: ${name}: ${error} is not a modelled exception`)
    }
  }
  const commands = sdk.commands.map((c) => {
    const added = extra.get(c.name) ?? []
    const notes = added.map(({ error, source }) => `\`${error}\` (${source})`)
    const cannot = (skipped.get(c.name) ?? []).map((e) => `\`${e}\``)
    return {
      ...c,
      modelled: c.errors,
      errors: [...c.errors, ...added.map((a) => a.error)].sort(byName),
      serviceWide: notes,
      headOnly: cannot
    }
  })
  return { ...sdk, commands }
}

const serviceWideDoc = (c) => {
  const parts = []
  if (c.serviceWide.length > 0) parts.push(` Beyond the SDK's model it can also fail with ${c.serviceWide.join("; ")}.`)
  if (c.headOnly.length > 0) {
    parts.push(
      ` botocore's model also lists ${c.headOnly.join(", ")}, which a HEAD answer cannot carry (it has no body): ` +
        `S3 answers \`NotFound\` (code "404").`
    )
  }
  return parts.join("")
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents: the operations module takes its SDK types from generated/sdkTypes.ts
// (policy documents decoded in outputs, objects accepted in inputs), and the operations that carry
// policy documents encode / decode them around the SDK call (scripts/codegen/validation.mjs finds
// them in botocore's model).

// The command classes (values) come from the SDK itself: sdkTypes.ts re-exports the SDK's module,
// which a bundle would copy property by property at import (cold start).
const policyImport = (service) =>
  service.policyDocuments
    ? `import * as SdkCommands from "${service.sdk}"\nimport type * as Sdk from "./sdkTypes.js"`
    : `import * as Sdk from "${service.sdk}"`

const commandsNamespace = (service) => (service.policyDocuments ? "SdkCommands" : "Sdk")

const header = (service, sdk) =>
  `// This file is generated by ${generator}. Do not edit.\n` +
  `// Inputs: ${service.sdk} ${sdk.version} (dist-types: commands, models)` +
  (sdk.hasModel
    ? `, scripts/models/botocore ${service.pkg}-service-2.json (botocore ${sdk.botocore}).\n`
    : ` (no botocore model is vendored for ${service.id}).\n`)

const errorsModule = (service, sdk) => {
  const names = [...sdk.exceptions.keys()].sort(byName)
  for (const n of names) {
    if (reservedTags.includes(n)) throw new Error(`${service.sdk}: exception ${n} collides with a reserved tag`)
  }
  const lines = [header(service, sdk)]
  lines.push(`/**
 * The modelled exceptions of ${service.id} (one class each, AWS's name as \`_tag\`) and the exact error
 * type of every ${service.client} operation: its modelled exceptions plus \`AwsError.CommonError\`.
 *
 * @since 0.1.0
 */
import * as AwsError from "@effect-boto/core/AwsError"
import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"
`)
  for (const n of names) {
    const e = sdk.exceptions.get(n)
    const doc = e.doc !== "" ? e.doc : `The ${n} exception.`
    const collision = commonTags.includes(n)
      ? `\n *\n * Replaces the common \`AwsError.${n}\` in the operations that declare it.`
      : ""
    lines.push(`/**
 * ${doc} (${e.fault} fault)${collision}
 *
 * @since 0.1.0
 * @category errors
 */
export class ${n} extends AwsError.ServiceError("${n}") {}
`)
  }
  lines.push(`/**
 * Every modelled exception of ${service.id}.
 *
 * @since 0.1.0
 * @category errors
 */
export type ${service.id}Error =
${names.map((n) => `  | ${n}`).join("\n")}
`)
  lines.push(`/**
 * The modelled exceptions of every ${service.id} operation, by operation name: the classes a failed
 * call is answered with (the SDK's model, plus the errors ${service.id} raises beyond it). The
 * operations table and each operation's error type below are derived from it.
 *
 * @since 0.2.0
 * @category models
 */
export const operationErrors = {
${sdk.commands.map((c) => `  ${c.name}: [${c.errors.join(", ")}]`).join(",\n")}
} as const
`)
  for (const c of sdk.commands) {
    const declares = c.modelled.length === 0
      ? "declares no modelled exception"
      : `declares ${c.modelled.map((e) => `\`${e}\``).join(", ")}`
    lines.push(`/**
 * The errors of \`${c.method}\` (${c.name}), which ${declares}.${serviceWideDoc(c)}
 *
 * @since 0.1.0
 * @category errors
 */
export type ${c.name}Error = ClientRuntime.ErrorsOf<typeof operationErrors.${c.name}>
`)
  }
  return lines.join("\n")
}

// The typed interface (its docs are the editor help) and the data table `ClientRuntime.makeOperations`
// interprets: per operation its SDK command, its errors (from `operationErrors` in the errors
// module), and what the service's hooks do around it (streaming members, policy documents).
const operationsModule = (service, sdk, policies) => {
  const iface = `${service.id}Operations`
  const lines = [header(service, sdk)]
  lines.push(`${policyImport(service)}
import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as Effect from "effect/Effect"
${
    hasStreaming(sdk)
      ? `import type * as S3Body from "../../S3Body.js"\n`
      : ""
  }import * as ${service.id}Error from "${errorsImport(service)}"

/**
 * Every operation of the ${service.id} SDK client (${sdk.commands.length} commands), camelCase, as an Effect.
 *
 * @since 0.1.0
 * @category models
 */
export interface ${iface} {`)
  const members = sdk.commands.map((c) => {
    const q = c.inputOptional ? "?" : ""
    const doc = c.doc !== "" ? `${c.doc}\n   *\n   * ` : ""
    return `  /**
   * ${doc}\`${c.name}Command\`; fails with \`${service.id}Error.${c.name}Error\`.
   */
  ${
      streamingSignature(service, c, q) ?? `${c.method}(
    input${q}: Sdk.${c.name}CommandInput,
    options?: ClientRuntime.CallOptions
  ): Effect.Effect<Sdk.${c.name}CommandOutput, ${service.id}Error.${c.name}Error>`
    }`
  })
  lines.push(members.join("\n") + "\n}\n")
  lines.push(`/**
 * The method names of \`${iface}\`, sorted; \`client[name](input)\` calls one by name.
 *
 * @since 0.1.0
 * @category models
 */
export const operationNames: ReadonlyArray<keyof ${iface}> = [
${sdk.commands.map((c) => `  "${c.method}"`).join(",\n")}
]
`)
  const entries = sdk.commands.map((c) => {
    const fields = [
      `name: "${c.name}"`,
      `command: ${commandsNamespace(service)}.${c.name}Command`,
      `errors: ${service.id}Error.operationErrors.${c.name}`
    ]
    if (c.inputOptional) fields.push("optionalInput: true")
    if (c.streaming !== undefined) {
      fields.push(`streaming: { kind: "${c.streaming.kind}", member: "${c.streaming.member}" }`)
    }
    if (service.policyDocuments && policies.inputs[c.name] !== undefined) fields.push("encodesInput: true")
    if (service.policyDocuments && policies.outputs[c.name] !== undefined) fields.push("decodesOutput: true")
    return `  ${c.method}: { ${fields.join(", ")} }`
  })
  lines.push(`/**
 * Every operation as data, read by \`ClientRuntime.makeOperations\`.
 *
 * @internal
 */
export const operations: ClientRuntime.OperationTable<${iface}> = {
${entries.join(",\n")}
}
`)
  return lines.join("\n")
}

// Line breaking is left to the project's formatter (the ESLint dprint rule), so the files are
// formatted exactly as a hand edit followed by `npm run lint:fix` would be.
const format = async (eslint, rel, content) => {
  const [result] = await eslint.lintText(content, { filePath: path.join(root, rel) })
  const problems = result.messages.filter((m) => m.severity === 2)
  if (problems.length > 0) {
    throw new Error(
      `${rel}: generated code has lint errors: ${problems.map((p) => `${p.line}: ${p.message}`).join("; ")}`
    )
  }
  return result.output ?? content
}

export async function generate() {
  const eslint = new ESLint({ cwd: root, fix: true })
  const outputs = []
  const { found: policies } = await policyOutputs()
  const botocore = (await readFile(path.join(botocoreDir, "VERSION"), "utf8")).split(" service models")[0].replace(
    /^botocore /,
    ""
  )
  for (const service of services) {
    const hasModel = await readFile(path.join(botocoreDir, `${service.pkg}-service-2.json`)).then(
      () => true,
      () => false
    )
    const sdk = { ...(await withServiceWideErrors(service, await readSdk(service))), botocore, hasModel }
    const files = [
      [errorsPath(service), errorsModule(service, sdk)],
      [operationsPath(service), operationsModule(service, sdk, policies)]
    ]
    for (const [rel, content] of files) outputs.push({ path: rel, content: await format(eslint, rel, content) })
  }
  return outputs
}
