// Generates boto3's resource layer for S3 and IAM from boto3's resources-1.json, typed against the
// INSTALLED @aws-sdk/client-s3 / @aws-sdk/client-iam declarations:
//   packages/s3/src/internal/generated/resources.ts    every S3 resource type (18) and the service resource
//   packages/iam/src/internal/generated/resources.ts   every IAM resource type (21) and the service resource
//
// For each resource type: an interface (identifiers, attributes, load, actions, sub-resources,
// references, collections, waiters: the types, the error unions and the docs), a namespace with its
// Identifiers / Data / Loaded types and collection types, and a table (data: the requests, where each
// identifier and the data come from, the hooks it names). No code: @effect-boto/core's
// `Resource.define` reads the tables and builds the classes; `Collection.fromListing` the listings.
// Names follow boto3 (botocore's xform_name, then camelCase; sub-resources stay CamelCase) with
// boto3's clash rule: load > identifiers > actions > sub-resources > references > collections >
// waiters > attributes; the loser gets its category as a suffix (`rolesAttribute`).
//
// The models are read from $BOTO3_MODELS_DIR, else the vendored scripts/models/boto3, as
// <service>-resources-1.json and <service>-paginators-1.json. The SDK types are read through the
// TypeScript compiler API (member names and which members are required). Output is formatted with
// dprint using the lint settings, so generated files pass the lint unchanged.
import { createFromBuffer } from "@dprint/formatter"
import { getPath } from "@dprint/typescript"
import { readFileSync } from "node:fs"
import { access, readFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const generator = "scripts/codegen/resources.mjs"
// Set by generate(): the version of the models read, for the generated files' headers.
let modelsVersion = ""

const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
// Import lines by module path.
const byImport = (a, b) => byName(/from "(.*)"/.exec(a)[1], /from "(.*)"/.exec(b)[1])
const fail = (message) => {
  throw new Error(`${generator}: ${message}`)
}

// botocore's xform_name: "ListMFADevices" -> "list_mfa_devices", "ETag" -> "e_tag".
const snake = (name) => {
  if (name.includes("_")) return name.toLowerCase()
  let n = name
  const special = /[A-Z]{2,}s$/.exec(n)
  if (special) n = `${n.slice(0, -special[0].length)}_${special[0].toLowerCase()}`
  return n.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
}
// boto3's snake_case name in camelCase: "list_mfa_devices" -> "listMfaDevices".
const camel = (name) =>
  snake(name).split("_").map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1))).join("")
const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1)
const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1)
const str = (s) => JSON.stringify(s)

// boto3's injected transfer methods (boto3/s3/inject.py `inject_bucket_methods` /
// `inject_object_methods`): their signatures and docs for the interfaces. The implementations are
// hand-written (resourceTransfer.ts `bucketMethods` / `objectMethods`), installed on the prototype.
const transferMethods = (kind) => {
  const errs = (op, extra = []) =>
    [`S3Transfer.${op}`, "S3Transfer.InvalidTransferInput", ...extra, "Resource.InvalidIdentifier"].join(" | ")
  const fills = kind === "Bucket" ? "`Bucket`" : "`Bucket` and `Key`"
  const copyInput = kind === "Bucket" ? "input: Transfer.BucketCopyInput" : "options?: Transfer.ObjectCopyOptions"
  const io = kind === "Bucket" ? "input" : "input?"
  return [
    {
      prop: "upload",
      sig: `upload<E = never, R = never>(input: Transfer.${kind}UploadInput<E, R>)`,
      returns: `Effect.Effect<S3Transfer.TransferResult, ${errs("S3UploadFailed", ["E"])}, R>`,
      doc:
        `boto3's injected \`upload_fileobj\`: \`S3Transfer.upload\` of a stream, bytes or a string, with this resource's client; it supplies ${fills}.`
    },
    {
      prop: "uploadFile",
      sig: `uploadFile(input: Transfer.${kind}UploadFileInput)`,
      returns: `Effect.Effect<S3Transfer.TransferResult, ${
        errs("S3UploadFailed", ["PlatformError.PlatformError"])
      }, FileSystem.FileSystem>`,
      doc:
        `boto3's injected \`upload_file\`: \`S3Transfer.uploadFile\` with this resource's client; it supplies ${fills}.`
    },
    {
      prop: "download",
      sig: `download(${io}: Transfer.${kind}DownloadInput)`,
      returns: `Stream.Stream<Uint8Array, ${errs("S3DownloadFailed")}>`,
      doc:
        `boto3's injected \`download_fileobj\`: \`S3Transfer.download\` as a stream, with this resource's client; it supplies ${fills}.`
    },
    {
      prop: "downloadFile",
      sig: `downloadFile(input: Transfer.${kind}DownloadFileInput)`,
      returns: `Effect.Effect<S3Transfer.TransferResult, ${
        errs("S3DownloadFailed", ["PlatformError.PlatformError"])
      }, FileSystem.FileSystem>`,
      doc:
        `boto3's injected \`download_file\`: \`S3Transfer.downloadFile\` with this resource's client; it supplies ${fills}.`
    },
    {
      prop: "copy",
      sig: `copy(source: S3Transfer.CopySource, ${copyInput})`,
      returns: `Effect.Effect<S3Transfer.TransferResult, ${errs("S3CopyFailed")}>`,
      doc: `boto3's injected \`copy\`: the managed \`S3Transfer.copy\` of \`source\` into this ${
        kind === "Bucket" ? "bucket" : "object"
      } (CopyObject, or UploadPartCopy in parallel above the threshold), with this resource's client for every request; it supplies ${fills}.`
    }
  ]
}

const services = [
  {
    model: "s3",
    id: "S3",
    pkg: "s3",
    sdk: "@aws-sdk/client-s3",
    boto: "s3",
    clientModule: "../S3Client.js",
    clientNs: "S3Client",
    errorModule: "../S3Error.js",
    errorNs: "S3Error",
    // TypeScript names of resource types that would shadow a global.
    rename: { Object: "S3Object" },
    // boto3's injected loads (boto3/s3/inject.py): implemented in resourceSupport.ts.
    injectedLoads: {
      Bucket: {
        fn: "Support.loadBucket",
        ops: ["ListBuckets"],
        doc: "ListBuckets, picking this bucket by name (boto3's injected load; `AccessDenied` gives empty data)"
      },
      ObjectSummary: {
        fn: "Support.loadObjectSummary",
        ops: ["HeadObject"],
        doc: "HeadObject, with `ContentLength` as `Size` (boto3's injected load)"
      }
    },
    // The batch actions of the model, implemented in resourceSupport.ts.
    batchOperations: { DeleteObjects: "Support.batchDeleteObjects" },
    // boto3 injects these on Bucket and Object; ObjectSummary gets Object's too.
    injectedMethods: {
      Bucket: transferMethods("Bucket"),
      Object: transferMethods("Object"),
      ObjectSummary: transferMethods("Object")
    },
    // The hand-written modules that implement them, by resource type.
    injectedImplementations: {
      Bucket: "Transfer.bucketMethods",
      Object: "Transfer.objectMethods",
      ObjectSummary: "Transfer.objectMethods"
    },
    injectedImports: [
      `import type * as PlatformError from "@effect/platform/Error"`,
      `import type * as FileSystem from "@effect/platform/FileSystem"`,
      `import type * as S3Body from "../../S3Body.js"`,
      `import type * as S3Transfer from "../../S3Transfer.js"`,
      `import * as Transfer from "../resourceTransfer.js"`
    ],
    sensitive: {}
  },
  {
    model: "iam",
    id: "IAM",
    pkg: "iam",
    sdk: "@aws-sdk/client-iam",
    boto: "iam",
    clientModule: "../IAMClient.js",
    clientNs: "IAMClient",
    errorModule: "../IAMError.js",
    errorNs: "IAMError",
    rename: {},
    injectedLoads: {},
    batchOperations: {},
    injectedMethods: {},
    injectedImplementations: {},
    injectedImports: [],
    // Members the IAM model marks sensitive: kept Redacted in identifiers, attributes and meta.data.
    sensitive: { AccessKeyPair: ["SecretAccessKey"], VirtualMfaDevice: ["Base32StringSeed", "QRCodePNG"] }
  }
]

const modelsDir = async () => {
  const dir = process.env.BOTO3_MODELS_DIR ?? path.join(root, "scripts", "models", "boto3")
  for (const service of services) {
    for (const file of [`${service.model}-resources-1.json`, `${service.model}-paginators-1.json`]) {
      try {
        await access(path.join(dir, file))
      } catch {
        fail(
          `cannot read ${path.join(dir, file)}. Set BOTO3_MODELS_DIR to a directory holding ` +
            `boto3's <service>-resources-1.json and botocore's <service>-paginators-1.json (s3, iam).`
        )
      }
    }
  }
  return dir
}

// ---------------------------------------------------------------------------------------------
// SDK introspection: which members each input / shape / output type has, and which are required.

const introspect = (sdkModule, typeNames) => {
  const fileName = path.join(root, "__resources_codegen_probe__.ts")
  const text = `import type * as Sdk from ${str(sdkModule)}\nexport {}\n`
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    types: []
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (name, languageVersion, ...rest) =>
    path.resolve(name) === fileName
      ? ts.createSourceFile(name, text, languageVersion)
      : getSourceFile(name, languageVersion, ...rest)
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (name) => path.resolve(name) === fileName || fileExists(name)
  const readFileHost = host.readFile.bind(host)
  host.readFile = (name) => (path.resolve(name) === fileName ? text : readFileHost(name))
  const program = ts.createProgram({ rootNames: [fileName], options, host })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(fileName)
  const decl = source.statements.find(ts.isImportDeclaration)
  const moduleSymbol = checker.getSymbolAtLocation(decl.moduleSpecifier)
  if (!moduleSymbol) fail(`cannot resolve ${sdkModule}`)
  const exports = new Map()
  for (const sym of checker.getExportsOfModule(moduleSymbol)) exports.set(sym.name, sym)

  const describe = (type) => {
    const members = new Map()
    for (const prop of checker.getPropertiesOfType(type)) {
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0
      const propType = checker.getNonNullableType(checker.getTypeOfSymbol(prop))
      // A streaming blob (the SDK's SdkStream): S3Client answers it as an S3Body.
      const annotation = prop.declarations?.[0]?.type
      const streaming = annotation !== undefined && annotation.getText() === "StreamingBlobPayloadOutputTypes"
      members.set(prop.name, { name: prop.name, required: !optional, type: propType, streaming })
    }
    return members
  }
  const types = new Map()
  const lookup = (name) => {
    if (types.has(name)) return types.get(name)
    let sym = exports.get(name)
    if (!sym) return undefined
    if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym)
    const type = checker.getDeclaredTypeOfSymbol(sym)
    const members = describe(type)
    const result = {
      name,
      members,
      // The members of a member's (object) type, e.g. VersioningConfiguration's.
      nested: (member) => {
        const m = members.get(member)
        if (!m) fail(`${sdkModule}: ${name} has no member ${member}`)
        return describe(m.type)
      }
    }
    types.set(name, result)
    return result
  }
  for (const n of typeNames) lookup(n)
  return { lookup, has: (n) => exports.has(n) }
}

// ---------------------------------------------------------------------------------------------
// The resource model, normalised.

const asArray = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])

// The JMESPath forms the resource models use, as (item list, member of each item) pairs:
//   "Contents[].Key"                  -> list ["Contents"], member ["Key"]
//   "PolicyNames[]"                   -> list ["PolicyNames"], member []
//   "[Versions,DeleteMarkers]|[].Key" -> list ["Versions", "DeleteMarkers"], member ["Key"]
//   "Policy.Arn" / "UploadId" / "@"   -> single value
const parsePath = (expr) => {
  if (expr === "@") return { plural: false, segments: [] }
  let m = /^\[(\w+(?:,\w+)*)\]\|\[\](?:\.([\w.]+))?$/.exec(expr)
  if (m) return { plural: true, lists: m[1].split(","), member: m[2] ? m[2].split(".") : [] }
  m = /^(\w+)\[\](?:\.([\w.]+))?$/.exec(expr)
  if (m) return { plural: true, lists: [m[1]], member: m[2] ? m[2].split(".") : [] }
  m = /^\w+(?:\.\w+)*$/.exec(expr)
  if (m) return { plural: false, segments: expr.split(".") }
  fail(`unsupported path expression "${expr}"`)
}

const normalise = (service, json, paginators, sdk) => {
  const tsName = (type) => service.rename[type] ?? type
  const resources = new Map()
  for (const [name, def] of Object.entries(json.resources).sort(([a], [b]) => byName(a, b))) {
    resources.set(name, { name, def })
  }
  const skipped = []
  const sdkShape = (shape, owner) => {
    if (!shape) return undefined
    for (const candidate of [shape, `_${shape}`]) {
      if (sdk.has(candidate)) return { sdkName: candidate, ...sdk.lookup(candidate) }
    }
    skipped.push(`${owner}: shape ${shape} (no such type in ${service.sdk}; no attributes)`)
    return undefined
  }
  // An operation of the installed SDK, or undefined (the caller skips what needs it and says so).
  const op = (name, owner) => {
    const input = sdk.lookup(`${name}CommandInput`)
    const output = sdk.lookup(`${name}CommandOutput`)
    if (!input || !output) {
      if (owner !== undefined) skipped.push(`${owner}: ${name} (no ${name}Command in ${service.sdk})`)
      return undefined
    }
    const body = [...output.members.values()].find((m) => m.streaming)
    // The client's answer type: its streaming member as an S3Body (S3Body.WithBody).
    const outputType = body !== undefined
      ? `S3Body.WithBody<Sdk.${name}CommandOutput, "${body.name}">`
      : `Sdk.${name}CommandOutput`
    return { name, method: lowerFirst(name), input, output, outputType }
  }
  for (const r of resources.values()) {
    const def = r.def
    r.ts = tsName(r.name)
    r.identifiers = (def.identifiers ?? []).map((i) => ({
      name: i.name,
      memberName: i.memberName,
      prop: camel(i.name),
      type: i.type === "integer" ? "number" : "string",
      sensitive: (service.sensitive[r.name] ?? []).includes(i.memberName ?? i.name)
    }))
    r.shape = sdkShape(def.shape, r.name)
    r.sensitive = service.sensitive[r.name] ?? []
    for (const s of r.sensitive) {
      if (!r.shape?.members.has(s)) fail(`${r.name}: sensitive member ${s} is not in its shape`)
    }
    r.required = r.shape ? [...r.shape.members.values()].filter((m) => m.required).map((m) => m.name).sort(byName) : []
  }
  return { resources, tsName, op, sdkShape, paginators, skipped }
}

// ---------------------------------------------------------------------------------------------
// Names: boto3's clash rule (boto3/resources/model.py `_load_name_with_category`).

const assignNames = (r, model) => {
  const names = new Set(["meta", "pipe", "toJSON", "toString", "describe", "resourceData", "resourceClient"])
  const renamed = []
  const take = (name, category) => {
    let n = name
    if (names.has(n)) {
      const next = `${n}${capitalize(category)}`
      renamed.push(`${r.name}.${n} (${category}) -> ${next}`)
      n = next
      if (names.has(n)) fail(`${r.name}: cannot name ${category} ${name}`)
    }
    names.add(n)
    return n
  }
  const def = r.def
  if (def.load || model.injected[r.name]) {
    names.add("load")
    names.add("reload")
  }
  // Injected methods win like load (boto3 injects them on the class).
  for (const m of model.injectedMethods[r.name] ?? []) {
    if (names.has(m.prop)) fail(`${r.name}: injected method ${m.prop} clashes`)
    names.add(m.prop)
  }
  for (const id of r.identifiers) id.prop = take(id.prop, "identifier")
  r.actions = Object.entries(def.actions ?? {}).sort(([a], [b]) => byName(a, b)).map(([name, a]) => ({
    name,
    def: a,
    prop: take(camel(name), "action")
  }))
  const has = Object.entries(def.has ?? {}).sort(([a], [b]) => byName(a, b))
  r.subresources = has.filter(([, h]) => !h.resource.identifiers.some((i) => i.source === "data")).map((
    [name, h]
  ) => ({ name, def: h, prop: take(name, "subresource") }))
  r.references = has.filter(([, h]) => h.resource.identifiers.some((i) => i.source === "data")).map((
    [name, h]
  ) => ({ name, def: h, prop: take(camel(name), "reference") }))
  r.collections = Object.entries(def.hasMany ?? {}).sort(([a], [b]) => byName(a, b)).map(([name, c]) => ({
    name,
    def: c,
    prop: take(camel(name), "collection")
  }))
  r.waiters = Object.entries(def.waiters ?? {}).sort(([a], [b]) => byName(a, b)).map(([name, w]) => ({
    name,
    def: w,
    prop: take(camel(`WaitUntil${name}`), "waiter")
  }))
  r.batchActions = Object.entries(def.batchActions ?? {}).sort(([a], [b]) => byName(a, b)).map(([name, b]) => ({
    name,
    def: b,
    prop: camel(name)
  }))
  // Attributes: the shape's members. Members named like an identifier are that identifier; a
  // member an identifier names as its `memberName` is an alias of the identifier.
  r.aliases = []
  r.attributes = []
  if (r.shape) {
    const idProps = new Set(r.identifiers.map((i) => camel(i.name)))
    for (const member of [...r.shape.members.values()].sort((a, b) => byName(a.name, b.name))) {
      const aliasOf = r.identifiers.find((i) => i.memberName === member.name)
      if (aliasOf) {
        const prop = camel(member.name)
        if (prop !== aliasOf.prop) r.aliases.push({ prop: take(prop, "attribute"), of: aliasOf, member: member.name })
        continue
      }
      if (idProps.has(camel(member.name))) continue
      r.attributes.push({ member: member.name, required: member.required, prop: take(camel(member.name), "attribute") })
    }
  }
  return renamed
}

// ---------------------------------------------------------------------------------------------
// Doc comments.

const doc = (lines, indent = "") => {
  const body = Array.isArray(lines) ? lines : [lines]
  return `${indent}/**\n${body.map((l) => (l === "" ? `${indent} *` : `${indent} * ${l}`)).join("\n")}\n${indent} */`
}

// A request's parameters from the model: identifiers and constants, top level or nested one level
// (`VersioningConfiguration.Status`), checked against the SDK's input. Returns the input type the
// caller supplies (what the resource does not), whether it is optional, the top-level members the
// resource supplies and all members it supplies (top-level or parent of a nested one), sorted.
const requestParams = (r, request, opInfo, where) => {
  const top = new Map() // target -> source
  const nested = new Map() // parent -> Map(child -> source)
  for (const p of request.params ?? []) {
    if (p.source === "identifier") {
      if (!r.identifiers.some((i) => i.name === p.name)) fail(`${where}: identifier ${p.name} unknown`)
    } else if (p.source !== "string" && p.source !== "integer" && p.source !== "boolean") {
      fail(`${where}: unsupported param source ${p.source}`)
    }
    const parts = p.target.split(".")
    if (!/^\w+$/.test(parts[0]) || parts.length > 2 || (parts[1] && !/^\w+$/.test(parts[1]))) {
      fail(`${where}: unsupported param target ${p.target}`)
    }
    if (!opInfo.input.members.has(parts[0])) fail(`${where}: ${opInfo.name} has no input member ${parts[0]}`)
    if (parts.length === 1) top.set(parts[0], p.source)
    else {
      if (!nested.has(parts[0])) nested.set(parts[0], new Map())
      nested.get(parts[0]).set(parts[1], p.source)
    }
  }
  const omitted = [...top.keys(), ...nested.keys()].sort(byName)
  const remainingRequired = [...opInfo.input.members.values()].filter((m) => m.required && !omitted.includes(m.name))
  const inputType = `Sdk.${opInfo.name}CommandInput`
  let type = omitted.length === 0 ? inputType : `Omit<${inputType}, ${omitted.map(str).join(" | ")}>`
  let nestedOptional = true
  for (const [parent, children] of [...nested.entries()].sort(([a], [b]) => byName(a, b))) {
    const childMembers = opInfo.input.nested(parent)
    for (const c of children.keys()) if (!childMembers.has(c)) fail(`${where}: ${parent} has no member ${c}`)
    const childRequired = [...childMembers.values()].some((m) => m.required && !children.has(m.name))
    if (childRequired) nestedOptional = false
    const q = childRequired ? "" : "?"
    type += ` & { readonly ${parent}${q}: Omit<NonNullable<${inputType}[${str(parent)}]>, ${
      [...children.keys()].sort(byName).map(str).join(" | ")
    }> }`
  }
  const inputOptional = remainingRequired.length === 0 && nestedOptional
  return { type, inputOptional, supplied: new Set(top.keys()), omitted }
}

// ---------------------------------------------------------------------------------------------
// The generator for one service.

const generateService = (service, json, paginatorsJson, sdk) => {
  const model = normalise(service, json, paginatorsJson, sdk)
  model.injected = service.injectedLoads
  model.injectedMethods = service.injectedMethods
  const { resources } = model
  const renamed = []
  for (const r of resources.values()) renamed.push(...assignNames(r, model))
  const client = `${service.clientNs}.Service`
  const err = (opName) => `${service.errorNs}.${opName}Error`
  const paginated = (opName) => paginatorsJson.pagination[opName]
  const counts = {
    resources: resources.size,
    actions: 0,
    serviceActions: 0,
    loads: 0,
    injectedLoads: 0,
    injectedMethods: 0,
    batchActions: 0,
    waiters: 0,
    subresources: 0,
    references: 0,
    collections: 0,
    serviceCollections: 0,
    serviceSubresources: 0,
    attributes: 0,
    renamed
  }
  // The name a hand-written hook has in the tables: "Support.loadBucket" -> "loadBucket".
  const hookName = (qualified) => qualified.slice(qualified.indexOf(".") + 1)
  const hookFunctions = new Map()
  const hookMethods = new Map()

  const target = (type) => {
    const t = resources.get(type)
    if (!t) fail(`unknown resource type ${type}`)
    return t
  }
  // The type name of a resource, loaded or not.
  const typeOf = (t, loaded) => (loaded && t.shape ? `${t.ts}.Loaded` : t.ts)
  // A request's parameters as table data (requestParams checks them against the SDK's input).
  const paramsData = (request) =>
    (request.params ?? []).map((p) =>
      p.source === "identifier" ? { target: p.target, identifier: p.name } : { target: p.target, constant: p.value }
    )
  const requestData = (o, request) => ({ operation: o.name, method: o.method, params: paramsData(request) })
  // The identifiers of the resource an action builds, in the order of its constructor. An
  // identifier the model leaves out (IAM CreateSigningCertificate gives only Id; boto3 then fails
  // building the resource) is read from the action's data instead.
  const actionTarget = (r, res, o, params, where) => {
    const t = target(res.type)
    if (res.path !== undefined) {
      const p = parsePath(res.path)
      if (p.plural || p.segments.length === 0) fail(`${where}: unsupported resource path ${res.path}`)
      if (!o.output.members.has(p.segments[0])) fail(`${where}: ${o.name} output has no ${p.segments[0]}`)
    }
    const identifiers = t.identifiers.map((i) => {
      const id = res.identifiers.find((x) => x.target === i.name)
      if (id === undefined) {
        const member = i.memberName ?? i.name
        if (res.path === undefined || !t.shape?.members.has(member)) {
          fail(`${t.name}: no source for identifier ${i.name}`)
        }
        return { data: member }
      }
      if (id.source === "identifier") {
        if (!r.identifiers.some((own) => own.name === id.name)) fail(`${where}: no identifier ${id.name}`)
        return { identifier: id.name }
      }
      if (id.source === "requestParameter") {
        if (!/^\w+$/.test(id.path)) fail(`${where}: unsupported requestParameter path ${id.path}`)
        const member = o.input.members.get(id.path)
        if (!member) fail(`${where}: ${o.name} has no input ${id.path}`)
        const own = r.identifiers.find((x) => x.name === id.target)
        // Renaming actions (Update with NewUserName, …): without a new name the entity keeps its own.
        return !member.required && own && !params.supplied.has(id.path)
          ? { request: id.path, fallback: own.name }
          : { request: id.path }
      }
      if (id.source === "response") {
        const p = parsePath(id.path)
        if (p.plural) fail(`${where}: plural response identifiers are not supported`)
        if (!o.output.members.has(p.segments[0])) fail(`${where}: ${o.name} output has no ${p.segments[0]}`)
        return { response: id.path }
      }
      fail(`${where}: unsupported identifier source ${id.source}`)
    })
    // The definer reads response identifiers in constructor order; boto3 reads them in the model's.
    const inModel = res.identifiers.filter((x) => x.source === "response").map((x) => x.path)
    const inTable = identifiers.filter((x) => "response" in x).map((x) => x.response)
    if (inModel.join() !== inTable.join()) fail(`${where}: response identifiers out of constructor order`)
    const fromResponse = res.path !== undefined || identifiers.some((x) => "response" in x || "data" in x)
    return {
      t,
      table: { type: t.name, identifiers, ...(res.path !== undefined ? { path: res.path } : {}) },
      loaded: res.path !== undefined,
      fromResponse
    }
  }

  // ---- per resource type ----------------------------------------------------------------------
  const svc = json.service
  const emitted = []
  const listings = []
  const tables = []
  for (const r of resources.values()) {
    const def = r.def
    const table = { name: r.name, identifiers: [] }
    const loadOp = def.load ? model.op(def.load.request.operation, `${r.name}.load`) : undefined
    if (def.load && loadOp && !r.shape) model.skipped.push(`${r.name}.load: no shape to type its data`)
    const hasLoad = (loadOp !== undefined && r.shape !== undefined) || service.injectedLoads[r.name] !== undefined
    if (hasLoad) counts.loads++
    if (service.injectedLoads[r.name]) counts.injectedLoads++
    counts.waiters += r.waiters.length
    counts.subresources += r.subresources.length
    counts.references += r.references.length
    counts.attributes += r.attributes.length + r.aliases.length
    const shape = r.shape
    const idsType = `${r.ts}.Identifiers`
    const dataType = shape ? `${r.ts}.Data` : "never"
    const iface = []
    const ns = []

    // identifiers
    ns.push(doc([`The identifiers of ${r.ts}, by their model names.`, "", "@since 0.1.0", "@category models"], "  "))
    ns.push(
      `  export interface Identifiers {\n${
        r.identifiers.map((i) => `    readonly ${i.name}: ${i.sensitive ? "Redacted.Redacted<string>" : i.type}`).join(
          "\n"
        )
      }\n  }`
    )
    for (const i of r.identifiers) {
      table.identifiers.push({ name: i.name, prop: i.prop, ...(i.sensitive ? { sensitive: true } : {}) })
      iface.push(
        `  /** Identifier \`${i.name}\`${i.sensitive ? " (sensitive: kept Redacted)" : ""}. */\n  readonly ${i.prop}: ${
          i.sensitive ? "Redacted.Redacted<string>" : i.type
        }`
      )
    }
    if (r.aliases.length > 0) table.aliases = {}
    for (const a of r.aliases) {
      table.aliases[a.prop] = a.of.name
      iface.push(
        `  /** The shape's \`${a.member}\`: the same value as \`${a.of.prop}\`. */\n  readonly ${a.prop}: ${
          a.of.sensitive ? "Redacted.Redacted<string>" : a.of.type
        }`
      )
    }
    // data and attributes
    if (shape) {
      const sdkType = `Sdk.${shape.sdkName}`
      let data
      if (r.sensitive.length > 0) {
        table.sensitive = r.sensitive
        const base = r.required.length > 0
          ? `Resource.ModelData<${sdkType}, ${r.required.map(str).join(" | ")}>`
          : sdkType
        data = `Omit<${base}, ${r.sensitive.map(str).join(" | ")}> & {\n${
          r.sensitive.map((s) =>
            `    readonly ${s}${r.required.includes(s) ? "" : "?"}: Redacted.Redacted<NonNullable<${sdkType}[${
              str(s)
            }]>>${r.required.includes(s) ? "" : " | undefined"}`
          ).join("\n")
        }\n  }`
      } else {
        data = r.required.length > 0 ? `Resource.ModelData<${sdkType}, ${r.required.map(str).join(" | ")}>` : sdkType
      }
      ns.push(
        doc(
          [
            `The data of a ${r.ts}: the \`${def.shape}\` shape${
              r.required.length > 0 ? `, with the members the model requires present (${r.required.join(", ")})` : ""
            }${r.sensitive.length > 0 ? `; ${r.sensitive.join(", ")} kept Redacted` : ""}.`,
            "",
            "@since 0.1.0",
            "@category models"
          ],
          "  "
        )
      )
      ns.push(`  export type Data = ${data}`)
      const loadedAttrs = []
      if (r.attributes.length > 0) table.attributes = {}
      for (const a of r.attributes) {
        table.attributes[a.prop] = a.member
        iface.push(
          `  /** The shape's \`${a.member}\`; \`undefined\` until the resource has data. */\n  readonly ${a.prop}: ${r.ts}.Data[${
            str(a.member)
          }] | undefined`
        )
        loadedAttrs.push(`    readonly ${a.prop}: Data[${str(a.member)}]`)
      }
      ns.push(
        doc(
          [
            `A ${r.ts} with data (from a listing, an action's response or \`load()\`): attributes the model`,
            "requires are present.",
            "",
            "@since 0.1.0",
            "@category models"
          ],
          "  "
        )
      )
      ns.push(
        `  export interface Loaded extends ${r.ts} {\n    readonly meta: Resource.Meta<${client}, Identifiers, Data>\n${
          loadedAttrs.join("\n")
        }\n  }`
      )
    }

    // load
    if (hasLoad) {
      const injected = service.injectedLoads[r.name]
      let loadOps
      if (injected) {
        loadOps = injected.ops
        hookFunctions.set(hookName(injected.fn), injected.fn)
        table.load = { hook: hookName(injected.fn) }
      } else {
        const o = loadOp
        loadOps = [o.name]
        requestParams(r, def.load.request, o, `${r.name}.load`)
        const p = parsePath(def.load.path)
        if (p.plural) fail(`${r.name}.load: plural path`)
        if (p.segments.length > 0 && !o.output.members.has(p.segments[0])) {
          fail(`${r.name}.load: ${o.name} output has no ${p.segments[0]}`)
        }
        table.load = {
          request: requestData(o, def.load.request),
          ...(p.segments.length > 0 ? { path: def.load.path } : {})
        }
      }
      const errs = [...loadOps.map(err), "Resource.InvalidIdentifier"]
      if (!injected && parsePath(def.load.path).segments.length > 0) errs.push("Resource.IncompleteResponse")
      const sig = injected ? "load()" : "load(options?: ClientRuntime.CallOptions)"
      iface.push(
        `  /**\n   * Loads the resource's data with ${
          injected ? injected.doc : def.load.request.operation
        } and returns a new, loaded ${r.ts} (this one is unchanged).\n   */\n  ${sig}: Effect.Effect<${r.ts}.Loaded, ${
          errs.join(" | ")
        }>`
      )
      // boto3's reload is the same function as load.
      const resig = sig.replace("load(", "reload(")
      iface.push(
        `  /** The same as \`load\` (boto3's \`reload\`). */\n  ${resig}: Effect.Effect<${r.ts}.Loaded, ${
          errs.join(" | ")
        }>`
      )
    }

    // actions
    for (const a of r.actions) {
      const where = `${r.name}.${a.name}`
      const o = model.op(a.def.request.operation, where)
      if (!o) continue
      counts.actions++
      const params = requestParams(r, a.def.request, o, where)
      const q = params.inputOptional ? "?" : ""
      const res = a.def.resource
      const errs = [err(o.name), "Resource.InvalidIdentifier"]
      let ret
      const action = { request: requestData(o, a.def.request) }
      if (!res) {
        ret = o.outputType
      } else {
        const built = actionTarget(r, res, o, params, where)
        action.resource = built.table
        if (built.fromResponse) errs.push("Resource.IncompleteResponse")
        ret = typeOf(built.t, built.loaded)
      }
      table.actions ??= {}
      table.actions[a.prop] = action
      const resDoc = res
        ? ` Returns ${res.path ? "the loaded " : "a "}\`${target(res.type).ts}\`.`
        : " Returns the response."
      const supplied = params.omitted.length > 0
        ? ` The resource supplies ${params.omitted.map((m) => `\`${m}\``).join(", ")}.`
        : ""
      iface.push(
        `  /** Action \`${a.name}\`: ${o.name}.${supplied}${resDoc} */\n  ${a.prop}(input${q}: ${params.type}, options?: ClientRuntime.CallOptions): Effect.Effect<${ret}, ${
          errs.join(" | ")
        }>`
      )
    }

    // sub-resources
    for (const s of r.subresources) {
      const t = target(s.def.resource.type)
      const sources = new Map()
      const args = []
      for (const id of s.def.resource.identifiers) {
        if (id.source === "identifier") {
          sources.set(id.target, { identifier: id.name })
        } else if (id.source === "input") {
          const tid = t.identifiers.find((i) => i.name === id.target)
          if (!tid) fail(`${r.name}.${s.name}: ${t.name} has no identifier ${id.target}`)
          sources.set(id.target, { input: args.length })
          args.push({ name: tid.prop, type: tid.sensitive ? "string | Redacted.Redacted<string>" : tid.type })
        } else fail(`${r.name}.${s.name}: unsupported source ${id.source}`)
      }
      table.subresources ??= {}
      table.subresources[s.prop] = {
        type: t.name,
        identifiers: t.identifiers.map((i) =>
          sources.get(i.name) ?? fail(`${t.name}: no value for identifier ${i.name}`)
        )
      }
      const sig = `${s.prop}(${args.map((a) => `${a.name}: ${a.type}`).join(", ")})`
      iface.push(
        `  /** Sub-resource: the \`${t.ts}\` ${
          args.length > 0
            ? `with the given ${args.map((a) => `\`${a.name}\``).join(", ")}`
            : "of this resource"
        } (no request). */\n  ${sig}: ${t.ts}`
      )
    }

    // references (data-sourced)
    for (const ref of r.references) {
      const t = target(ref.def.resource.type)
      const rd = ref.def.resource
      const sources = new Map()
      let pluralList
      const single = []
      for (const id of rd.identifiers) {
        if (id.source === "identifier") {
          sources.set(id.target, { identifier: id.name })
        } else if (id.source === "data") {
          const p = parsePath(id.path)
          if (p.plural) {
            if (p.lists.length !== 1) fail(`${r.name}.${ref.name}: unsupported path ${id.path}`)
            pluralList = p.lists[0]
            sources.set(id.target, { data: p.member.join(".") })
          } else {
            single.push(p.segments)
            sources.set(id.target, { data: p.segments.join(".") })
          }
        } else fail(`${r.name}.${ref.name}: unsupported source ${id.source}`)
      }
      const errs = ["Resource.InvalidIdentifier", "Resource.IncompleteResponse"]
      if (hasLoad) {
        const loadErr = service.injectedLoads[r.name]
          ? service.injectedLoads[r.name].ops.map(err)
          : [err(def.load.request.operation), "Resource.IncompleteResponse"]
        errs.push(...loadErr)
      } else {
        errs.push("Resource.ResourceLoadError")
      }
      const uniqueErrs = [...new Set(errs)]
      let retType
      // A member the model requires (CurrentUser's UserName) always names the resource.
      const always = single.every((segments) => segments.length === 1 && r.required.includes(segments[0]))
      if (pluralList) {
        if (rd.path !== `${pluralList}[]`) fail(`${r.name}.${ref.name}: unexpected path ${rd.path}`)
        retType = `ReadonlyArray<${typeOf(t, true)}>`
      } else {
        if (rd.path) fail(`${r.name}.${ref.name}: unexpected path on a single reference`)
        retType = always ? t.ts : `${t.ts} | undefined`
        uniqueErrs.splice(uniqueErrs.indexOf("Resource.IncompleteResponse"), 1)
        if (hasLoad && !service.injectedLoads[r.name]) uniqueErrs.push("Resource.IncompleteResponse")
      }
      table.references ??= {}
      table.references[ref.prop] = {
        type: t.name,
        identifiers: t.identifiers.map((i) =>
          sources.get(i.name) ?? fail(`${t.name}: no value for identifier ${i.name}`)
        ),
        ...(pluralList ? { list: pluralList } : {}),
        optional: !pluralList && !always
      }
      const finalErrs = [...new Set(uniqueErrs)]
      iface.push(
        `  /**\n   * Reference \`${ref.name}\`: the \`${t.ts}\`${pluralList ? "s" : ""} this resource's data names${
          hasLoad ? " (loads the data first when the resource has none)" : ""
        }${
          pluralList || retType === t.ts ? "" : "; `undefined` when the data names none"
        }.\n   */\n  readonly ${ref.prop}: Effect.Effect<${retType}, ${finalErrs.join(" | ")}>`
      )
    }

    // collections
    for (const c of r.collections) {
      const coll = emitCollection(r, c, false)
      if (!coll) continue
      counts.collections++
      ns.push(...coll.ns)
      iface.push(coll.iface)
      table.collections ??= {}
      table.collections[c.prop] = { $ref: coll.tableName }
    }

    // waiters
    for (const w of r.waiters) {
      const waiterName = lowerFirst(w.def.waiterName)
      for (const p of w.def.params ?? []) {
        if (p.source !== "identifier") fail(`${r.name}.${w.name}: unsupported waiter param source ${p.source}`)
        if (!r.identifiers.some((i) => i.name === p.name)) fail(`${r.name}.${w.name}: no identifier ${p.name}`)
      }
      table.waiters ??= {}
      table.waiters[w.prop] = { waiter: waiterName, params: paramsData(w.def) }
      iface.push(
        `  /** Waiter \`${w.name}\`: polls with \`client.waitFor.${waiterName}\` until it succeeds (boto3 \`wait_until_${
          snake(w.name)
        }\`). */\n  ${w.prop}(options?: Waiter.Options): Effect.Effect<void, Waiter.WaiterError | Resource.InvalidIdentifier>`
      )
    }

    // injected methods (hand-written implementations, installed on the prototype)
    for (const m of service.injectedMethods[r.name] ?? []) {
      counts.injectedMethods++
      iface.push(`  /** ${m.doc} */\n  ${m.sig}: ${m.returns}`)
    }
    const injectedImplementation = service.injectedImplementations[r.name]
    if (injectedImplementation !== undefined) {
      hookMethods.set(hookName(injectedImplementation), injectedImplementation)
      table.methods = hookName(injectedImplementation)
    }

    // batch actions of this type (used by the collections that yield it)
    if (r.batchActions.length > 0) {
      const members = []
      for (const b of r.batchActions) {
        const o = model.op(b.def.request.operation, `${r.name}.${b.name} (batch)`)
        if (!o) continue
        counts.batchActions++
        const fn = service.batchOperations[o.name]
        if (!fn) fail(`${r.name}.${b.name}: no batch implementation for ${o.name}`)
        hookFunctions.set(hookName(fn), fn)
        const params = b.def.request.params.map((p) => {
          if (p.source !== "identifier" || !r.identifiers.some((i) => i.name === p.name)) {
            fail(`${r.name}.${b.name}: unsupported batch param`)
          }
          const m = /^(\w+(?:\.\w+)*)\[\*?\]\.(\w+)$/.exec(p.target)
          if (!m && !/^\w+$/.test(p.target)) fail(`${r.name}.${b.name}: unsupported batch target ${p.target}`)
          return { target: m ? `${m[1]}[*].${m[2]}` : p.target, identifier: p.name }
        })
        table.batchActions ??= {}
        table.batchActions[b.prop] = { operation: o.name, hook: hookName(fn), params }
        members.push(
          `    /**\n     * Batch action \`${b.name}\`: one ${o.name} per page of the collection (at most 1000 keys each),\n     * stopping at the first empty page. Keys S3 reports as failed make it fail with\n     * \`PartialBatchFailure\` unless \`collectErrors\` is set; then they are in the result. A request\n     * (or the listing) that fails as a whole stops it with \`BatchDeleteFailed\`: its \`cause\`, and what\n     * the batch had deleted.\n     */\n    ${b.prop}(input?: Support.BatchDeleteInput, options?: Support.BatchDeleteOptions): Effect.Effect<Support.BatchDeleteResult, Support.BatchDeleteFailed<E | ${
            err(o.name)
          }> | Support.PartialBatchFailure>`
        )
      }
      ns.push(
        doc([
          `The batch actions of a collection of ${r.ts}s (boto3's \`batchActions\`).`,
          "",
          "@since 0.1.0",
          "@category models"
        ], "  ")
      )
      ns.push(`  export interface BatchActions<E> {\n${members.join("\n")}\n  }`)
    }

    // interface + namespace
    const extendsClause = `Resource.Resource<${client}, ${idsType}, ${shape ? `${dataType} | undefined` : "undefined"}>`
    emitted.push(
      doc(
        [
          `boto3's \`${service.boto}.${r.name}\` resource${shape ? ` (shape \`${def.shape}\`)` : ""}: identifiers ${
            r.identifiers.length === 0 ? "none" : r.identifiers.map((i) => `\`${i.prop}\``).join(", ")
          }.`,
          "An immutable value bound to the client it came from; equal to another with the same identifiers.",
          "",
          "@since 0.1.0",
          "@category resources"
        ]
      ) + `\nexport interface ${r.ts} extends ${extendsClause} {\n${iface.join("\n")}\n}`
    )
    emitted.push(
      doc([`The types that go with \`${r.ts}\`.`, "", "@since 0.1.0", "@category models"]) +
        `\nexport declare namespace ${r.ts} {\n${ns.join("\n")}\n}`
    )
    tables.push(table)
  }

  // ---- collections ------------------------------------------------------------------------------
  function emitCollection(r, c, isService) {
    const where = `${r.name}.${c.name}`
    const o = model.op(c.def.request.operation, where)
    if (!o) return undefined
    const t = target(c.def.resource.type)
    const res = c.def.resource
    const params = requestParams(r, c.def.request, o, where)
    const pag = paginated(o.name)
    const omitFilter = [...params.omitted]
    if (pag) {
      for (const tok of asArray(pag.input_token)) omitFilter.push(tok)
      if (pag.limit_key) omitFilter.push(pag.limit_key)
    }
    const filterOmit = [...new Set(omitFilter)].sort(byName)
    const filterType = filterOmit.length > 0
      ? `Omit<Sdk.${o.name}CommandInput, ${filterOmit.map(str).join(" | ")}>`
      : `Sdk.${o.name}CommandInput`
    for (const m of o.input.members.values()) {
      if (m.required && !filterOmit.includes(m.name)) {
        fail(`${where}: ${o.name} requires ${m.name}, which no identifier supplies`)
      }
    }
    // Items: from the resource path (data) or from the identifiers' list path (no data).
    let listPath
    let withData = false
    if (res.path !== undefined) {
      listPath = parsePath(res.path)
      if (!listPath.plural || listPath.member.length > 0) fail(`${where}: unsupported path ${res.path}`)
      withData = true
    }
    // The listed resource's identifiers, in the order of its constructor's parameters.
    const idSources = new Map()
    const itemPaths = []
    for (const id of res.identifiers) {
      if (id.source === "identifier") {
        idSources.set(id.target, { identifier: id.name })
      } else if (id.source === "requestParameter") {
        const member = o.input.members.get(id.path)
        if (!member) fail(`${where}: ${o.name} has no input ${id.path}`)
        // The collection's own parameters: identifiers and constants of the request.
        if (!params.omitted.includes(id.path)) {
          fail(`${where}: requestParameter ${id.path} is not supplied by the resource`)
        }
        const src = (c.def.request.params ?? []).find((p) => p.target === id.path)
        if (src.source !== "identifier") fail(`${where}: requestParameter ${id.path} is not an identifier`)
        idSources.set(id.target, { identifier: src.name })
      } else if (id.source === "response") {
        const p = parsePath(id.path)
        if (!p.plural) fail(`${where}: singular response identifier ${id.path}`)
        if (p.member.length > 1) fail(`${where}: nested response identifier ${id.path}`)
        if (listPath === undefined) listPath = { plural: true, lists: p.lists, member: [] }
        else if (p.lists.join() !== listPath.lists.join()) fail(`${where}: identifiers from different lists`)
        itemPaths.push(id.path)
        idSources.set(id.target, { member: p.member[0] })
      } else fail(`${where}: unsupported identifier source ${id.source}`)
    }
    for (const l of listPath.lists) if (!o.output.members.has(l)) fail(`${where}: ${o.name} output has no ${l}`)
    for (const i of t.identifiers) if (i.sensitive) fail(`${where}: sensitive identifier ${i.name} in a listing`)
    for (const i of r.identifiers) if (i.sensitive) fail(`${where}: a listing owned by a sensitive identifier`)
    const itemType = typeOf(t, withData)
    const errs = [err(o.name), "Resource.InvalidIdentifier", "Resource.IncompleteResponse"]
    if (pag) errs.push("Paginator.PaginationError")
    const errType = errs.join(" | ")
    const collType = `${capitalize(c.prop)}Collection`
    const filterName = `${capitalize(c.prop)}Filter`
    const batch = t.batchActions.length > 0 ? `${t.ts}.BatchActions<${errType}>` : "{}"
    const nsOwner = isService ? "ServiceResource" : r.ts
    const ns = [
      doc([
        `The filter parameters of \`${c.prop}\` (${o.name} without what the resource and the paginator supply).`,
        "",
        "@since 0.1.0",
        "@category models"
      ], "  "),
      `  export type ${filterName} = ${filterType}`,
      doc([
        `The \`${c.prop}\` collection of a ${isService ? "service resource" : r.ts}.`,
        "",
        "@since 0.1.0",
        "@category models"
      ], "  "),
      `  export type ${collType} = Collection.CollectionManager<${itemType}, ${errType}, ${filterName}, ${batch}>`
    ]
    const request = {}
    for (const p of c.def.request.params ?? []) {
      if (p.target.includes(".")) fail(`${where}: nested request parameter ${p.target}`)
      request[p.target] = p.source === "identifier" ? { identifier: p.name } : { constant: p.value }
    }
    const identifierTable = t.identifiers.map((i) => {
      const source = idSources.get(i.name) ?? fail(`${where}: no source for identifier ${i.name}`)
      if ("identifier" in source) return `{ identifier: ${str(source.identifier)} }`
      return `{ member: ${source.member === undefined ? "undefined" : str(source.member)} }`
    })
    const tableName = `${isService ? "Service" : r.name}${capitalize(c.prop)}Listing`
    // Data, read by Collection.fromListing (through Resource.define, which adds the constructor and
    // the batch actions of the listed type).
    const table =
      `const ${tableName}: Collection.ListingTable<${client}, Sdk.${o.name}CommandOutput, ${errType}, ${nsOwner}.${filterName}> = {
  name: ${str(`${service.boto}.${isService ? "" : `${r.name}.`}${c.prop}`)},
  operation: ${str(o.name)},
  method: ${str(o.method)},
  paginator: ${pag ? `Paginators.${o.name}` : "undefined"},
  params: {},
  request: ${JSON.stringify(request)},
  lists: ${JSON.stringify(listPath.lists)},
  resource: ${str(t.name)},
  identifiers: [${identifierTable.join(", ")}],
  data: ${withData ? "true" : "false"},
  missing: ${str(itemPaths.join(", "))}
}`
    listings.push(table)
    const iface = `  /**\n   * Collection \`${c.name}\`: ${o.name}${pag ? " (paginated)" : " (one page)"}, yielding ${
      withData ? "loaded " : ""
    }\`${t.ts}\`s.\n   */\n  readonly ${c.prop}: ${nsOwner}.${collType}`
    return { ns, iface, tableName }
  }

  // ---- the service resource -------------------------------------------------------------------
  const svcIface = []
  const svcNs = []
  const svcNames = new Set(["meta"])
  const svcTable = { name: "ServiceResource", identifiers: [] }
  for (const [name, a] of Object.entries(svc.actions ?? {}).sort(([x], [y]) => byName(x, y))) {
    const o = model.op(a.request.operation, `service.${name}`)
    if (!o) continue
    counts.serviceActions++
    const prop = camel(name)
    svcNames.add(prop)
    const params = requestParams({ identifiers: [] }, a.request, o, `service.${name}`)
    const q = params.inputOptional ? "?" : ""
    const res = a.resource
    const errs = [err(o.name)]
    let ret
    const action = { request: requestData(o, a.request) }
    if (!res) {
      ret = o.outputType
    } else {
      const built = actionTarget({ name: "ServiceResource", identifiers: [] }, res, o, params, `service.${name}`)
      action.resource = built.table
      if (built.table.identifiers.some((x) => "request" in x)) errs.push("Resource.InvalidIdentifier")
      if (built.fromResponse) errs.push("Resource.IncompleteResponse")
      ret = typeOf(built.t, built.loaded)
    }
    svcTable.actions ??= {}
    svcTable.actions[prop] = action
    const uniq = [...new Set(errs)]
    svcIface.push(
      `  /** Action \`${name}\`: ${o.name}.${
        res ? ` Returns ${res.path ? "the loaded " : "a "}\`${target(res.type).ts}\`.` : " Returns the response."
      } */\n  ${prop}(input${q}: Sdk.${o.name}CommandInput, options?: ClientRuntime.CallOptions): Effect.Effect<${ret}, ${
        uniq.join(" | ")
      }>`
    )
  }
  // Every resource type is a constructor of the service resource (boto3 model.py `_get_has_definition`).
  for (const r of resources.values()) {
    counts.serviceSubresources++
    const hasDef = Object.entries(svc.has ?? {}).find(([, h]) => h.resource.type === r.name)
    const prop = hasDef ? hasDef[0] : r.name
    svcNames.add(prop)
    const args = r.identifiers.map((i) => ({
      name: i.prop,
      type: i.sensitive ? "string | Redacted.Redacted<string>" : i.type
    }))
    if (hasDef && hasDef[1].resource.identifiers.length !== r.identifiers.length) {
      fail(`service.has ${prop}: identifier count`)
    }
    svcTable.subresources ??= {}
    svcTable.subresources[prop] = { type: r.name, identifiers: r.identifiers.map((_, index) => ({ input: index })) }
    const sig = `${prop}(${args.map((a) => `${a.name}: ${a.type}`).join(", ")})`
    svcIface.push(`  /** A \`${r.ts}\` with the given identifiers (no request). */\n  ${sig}: ${r.ts}`)
  }
  for (const [name, c] of Object.entries(svc.hasMany ?? {}).sort(([x], [y]) => byName(x, y))) {
    const prop = camel(name)
    if (svcNames.has(prop)) fail(`service: name clash ${prop}`)
    const coll = emitCollection({ name: "service", identifiers: [] }, { name, def: c, prop }, true)
    if (!coll) continue
    counts.serviceCollections++
    svcNs.push(...coll.ns)
    svcIface.push(coll.iface)
    svcTable.collections ??= {}
    svcTable.collections[prop] = { $ref: coll.tableName }
  }

  // ---- the file ---------------------------------------------------------------------------------
  const usesRedacted = Object.keys(service.sensitive).length > 0
  const interfaces = emitted.join("\n\n") + svcIface.join("\n")
  const imports = [
    // IAM: the SDK's types with policy documents decoded (scripts/codegen/validation.mjs).
    `import type * as Sdk from ${str(service.id === "IAM" ? "./sdkTypes.js" : service.sdk)}`,
    `import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"`,
    `import type * as Collection from "@effect-boto/core/Collection"`,
    `import type * as Paginator from "@effect-boto/core/Paginator"`,
    `import * as Paginators from "./paginators.js"`,
    `import * as Resource from "@effect-boto/core/Resource"`,
    ...(interfaces.includes("Waiter.") ? [`import type * as Waiter from "@effect-boto/core/Waiter"`] : []),
    `import type * as Effect from "effect/Effect"`,
    ...(usesRedacted ? [`import type * as Redacted from "effect/Redacted"`] : []),
    ...(interfaces.includes("Stream.") ? [`import type * as Stream from "effect/Stream"`] : []),
    `import type * as ${service.clientNs} from "../../${service.clientNs}.js"`,
    `import type * as ${service.errorNs} from "../../${service.errorNs}.js"`,
    `import * as Support from "../resourceSupport.js"`,
    ...service.injectedImports
  ].sort(byImport)
  const skippedNote = model.skipped.length === 0
    ? "// Every part of the model is generated; nothing is skipped.\n"
    : `// Skipped (the installed SDK lacks what they need):\n${model.skipped.map((x) => `//   ${x}\n`).join("")}`
  counts.skipped = model.skipped
  const head = `// This file is generated by ${generator}. Do not edit.
// Inputs: scripts/models/boto3/${service.model}-resources-1.json and -paginators-1.json (${modelsVersion}),
// typed against ${service.sdk} ${sdk.version}. The interfaces carry the types and the docs; the
// tables are data, read by @effect-boto/core (Resource.define, Collection.fromListing).
${skippedNote}
${imports.join("\n")}
`

  const svcDoc = doc([
    `boto3's \`boto3.resource(${str(service.boto)})\`: the service's collections, its actions, and a`,
    "constructor for every resource type.",
    "",
    "@since 0.1.0",
    "@category models"
  ])
  const serviceCode = `${svcDoc}
export interface ServiceResource {
  readonly meta: { readonly serviceName: ${str(service.boto)}; readonly client: ${client} }
${svcIface.join("\n")}
}

${doc(["The types that go with `ServiceResource`.", "", "@since 0.1.0", "@category models"])}
export declare namespace ServiceResource {
${svcNs.join("\n")}
}
`
  // The tables as TypeScript object literals; a listing table is named, not copied.
  const literal = (value) => JSON.stringify(value).replace(/\{"\$ref":"(\w+)"\}/g, "$1").replace(/"(\w+)":/g, "$1:")
  const hooks = `{
  check: Support.checkIdentifiers,
  functions: { ${[...hookFunctions].sort(([a], [b]) => byName(a, b)).map(([k, v]) => `${k}: ${v}`).join(", ")} },
  methods: { ${[...hookMethods].sort(([a], [b]) => byName(a, b)).map(([k, v]) => `${k}: ${v}`).join(", ")} }
}`
  const definition = `const tables: Resource.ServiceTable<${client}> = {
  serviceName: ${str(service.boto)},
  resources: [
${tables.map((t) => `    ${literal(t)}`).join(",\n")}
  ],
  service: ${literal(svcTable)}
}

// The hand-written parts the tables name.
const hooks: Resource.Hooks = ${hooks}

${doc(["Builds the service resource over a client.", "", "@since 0.1.0", "@category constructors"])}
export const makeServiceResource: (client: ${client}) => ServiceResource = Resource.define<${client}, ServiceResource>(
  tables,
  hooks
)
`
  const text = `${head}\n${emitted.join("\n\n")}\n\n${serviceCode}\n\n${listings.join("\n\n")}\n\n${definition}`
  return { text, counts }
}

// ---------------------------------------------------------------------------------------------

let formatter
const format = (filePath, text) => {
  formatter ??= createFromBuffer(readFileSync(getPath()))
  // dprint does not always reach its fixed point in one pass (long `extends` clauses); the lint
  // checks the fixed point, so format until the text stops changing.
  let current = text
  for (let i = 0; i < 5; i++) {
    const next = formatOnce(filePath, current)
    if (next === current) return current
    current = next
  }
  fail(`${filePath}: formatting does not settle`)
}

const formatOnce = (filePath, text) => {
  return formatter.formatText({
    filePath,
    fileText: text,
    overrideConfig: {
      indentWidth: 2,
      lineWidth: 120,
      semiColons: "asi",
      quoteStyle: "alwaysDouble",
      trailingCommas: "never",
      operatorPosition: "maintain",
      "arrowFunction.useParentheses": "force"
    }
  })
}

export const counts = {}

export async function generate() {
  const dir = await modelsDir()
  // The vendored models record botocore's version (scripts/vendor-models.mjs); boto3's resource
  // models come from the same vendoring.
  const versionFile = await readFile(path.join(dir, "..", "botocore", "VERSION"), "utf8").catch(() => undefined)
  const recorded = versionFile === undefined ? undefined : /\d+\.\d+\.\d+/.exec(versionFile)?.[0]
  modelsVersion = recorded === undefined ? "version not recorded" : `vendored with botocore ${recorded}`
  const outputs = []
  for (const service of services) {
    const json = JSON.parse(await readFile(path.join(dir, `${service.model}-resources-1.json`), "utf8"))
    const paginators = JSON.parse(await readFile(path.join(dir, `${service.model}-paginators-1.json`), "utf8"))
    const version =
      JSON.parse(await readFile(path.join(root, "node_modules", service.sdk, "package.json"), "utf8")).version
    const sdk = introspect(service.sdk, [])
    sdk.version = version
    const { text, counts: c } = generateService(service, json, paginators, sdk)
    counts[service.model] = c
    const rel = `packages/${service.pkg}/src/internal/generated/resources.ts`
    outputs.push({ path: rel, content: format(path.join(root, rel), text) })
  }
  return outputs
}
