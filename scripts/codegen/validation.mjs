// Generates, from botocore's service models (vendored in scripts/models/botocore) checked against
// the INSTALLED SDK's request types:
//   packages/<pkg>/src/internal/generated/validation.ts  the input rules of every operation, as
//                                                          data for core's interpreter
//                                                          (ClientRuntime.makeValidator)
// The rules are boto3's ParamValidator's: required members, runtime types, lengths and ranges
// (patterns and enums are not checked, as in boto3). They never refuse what the SDK's types allow:
// a member the SDK does not require is not required, a member the SDK types differently (or
// replaces in its command input, such as S3's streaming `Body`) is not type-checked, and a member
// the SDK does not have is left out.
import { readdir, readFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const generator = "scripts/codegen/validation.mjs"
const modelsDir = path.join(root, "scripts", "models", "botocore")

const services = [
  { model: "s3", pkg: "s3", sdk: "@aws-sdk/client-s3", id: "S3" },
  { model: "iam", pkg: "iam", sdk: "@aws-sdk/client-iam", id: "IAM" }
]

// Members whose value is an IAM policy document: the client takes a string or a JSON object
// (serialised before sending), so they are checked as such.
export const policyDocumentShapes = ["policyDocumentType"]

const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0)

// The SDK's request interfaces: member name -> { required, type } (type text without `| undefined`).
const readSdkInterfaces = async (service) => {
  const dir = path.join(root, "node_modules", service.sdk, "dist-types")
  const interfaces = new Map()
  const enums = new Set()
  const parse = (source) => {
    for (const m of source.matchAll(/^export declare const (\w+): \{/gm)) enums.add(m[1])
    const re = /^export interface (\w+)(?: extends ([^{]+))? \{\n/gm
    for (let m; (m = re.exec(source));) {
      const start = m.index + m[0].length
      const body = source.slice(start, source.indexOf("\n}", start))
      const members = new Map()
      for (const line of body.split("\n")) {
        const member = /^ {4}(\w+)(\??): (.+);$/.exec(line)
        if (member) {
          members.set(member[1], { required: member[2] === "", type: member[3].replace(/ \| undefined$/, "") })
        }
      }
      interfaces.set(m[1], { extends: m[2]?.trim(), members })
    }
  }
  for (const file of (await readdir(path.join(dir, "models"))).filter((f) => f.endsWith(".d.ts")).sort(byName)) {
    parse(await readFile(path.join(dir, "models", file), "utf8"))
  }
  const commands = new Map()
  for (const file of (await readdir(path.join(dir, "commands"))).filter((f) => f.endsWith("Command.d.ts")).sort()) {
    const name = file.replace(/Command\.d\.ts$/, "")
    const source = await readFile(path.join(dir, "commands", file), "utf8")
    const decl = new RegExp(`^export interface ${name}CommandInput(?: extends ([^{]+))? \\{\\n([^}]*)\\}`, "m")
      .exec(source)
    if (!decl) continue
    const parent = /^(?:Omit<(\w+), ((?:"\w+"(?: \| )?)+)>|(\w+))\s*$/.exec((decl[1] ?? "").trim())
    const request = parent ? interfaces.get(parent[1] ?? parent[3]) : undefined
    const members = new Map()
    if (request) { for (const [k, v] of request.members) members.set(k, v) }
    const replaced = new Set()
    for (const m of decl[2].matchAll(/^ {4}(\w+)(\??): (.+);$/gm)) {
      members.set(m[1], { required: m[2] === "", type: "unknown" })
      replaced.add(m[1])
    }
    commands.set(name, { members, replaced, known: request !== undefined || decl[1] === undefined })
  }
  return { interfaces, enums, commands }
}

// What kind of value an SDK member type describes, to compare with botocore's shape type.
const sdkKind = (type, enums, interfaces) => {
  if (type === "string" || enums.has(type)) return "string"
  if (type === "number") return "number"
  if (type === "boolean") return "boolean"
  if (type === "Date") return "timestamp"
  if (type === "Uint8Array" || type === "StreamingBlobPayloadInputTypes") return "blob"
  if (type.endsWith("[]")) return "list"
  if (type.startsWith("Record<string, ")) return "map"
  if (interfaces.has(type)) return "structure"
  return "other"
}

const botocoreKind = {
  string: "string",
  integer: "number",
  long: "number",
  float: "number",
  double: "number",
  boolean: "boolean",
  timestamp: "timestamp",
  blob: "blob",
  list: "list",
  map: "map",
  structure: "structure"
}

const build = (service, model, sdk) => {
  const shapes = []
  const indexOf = new Map()
  const relaxed = []

  // One rule per (botocore shape, SDK interface) pair: the same botocore structure may be typed by
  // different SDK interfaces (a command input and its request), which may require different members.
  const rule = (shapeName, sdkMembers, where, policy) => {
    const key = `${shapeName}|${sdkMembers === undefined ? "" : where}|${policy ? "policy" : ""}`
    const found = indexOf.get(key)
    if (found !== undefined) return found
    const shape = model.shapes[shapeName]
    const scalar = scalarRule(shape, policy)
    if (scalar !== undefined) {
      // Scalars are interned by content: many botocore shapes share the same rule.
      const index = intern(scalar)
      indexOf.set(key, index)
      return index
    }
    const index = shapes.length
    indexOf.set(key, index)
    shapes.push(undefined)
    const lengths = (out) => {
      if (shape.min !== undefined) out.min = shape.min
      if (shape.max !== undefined) out.max = shape.max
      return out
    }
    let out
    switch (shape.type) {
      case "list": {
        const member = model.shapes[shape.member.shape]
        const sdkMember = member.type === "structure" ? sdkStructure(shape.member.shape) : undefined
        out = lengths({ type: "list", member: rule(shape.member.shape, sdkMember, shape.member.shape, false) })
        break
      }
      case "map":
        out = lengths({
          type: "map",
          key: rule(shape.key.shape, undefined, "", false),
          value: rule(shape.value.shape, sdkStructure(shape.value.shape), shape.value.shape, false)
        })
        break
      case "structure": {
        const members = []
        const required = []
        for (const name of Object.keys(shape.members ?? {}).sort(byName)) {
          const spec = shape.members[name]
          const sdkMember = sdkMembers?.get(name)
          if (sdkMember === undefined) {
            relaxed.push(`${where}.${name}: not in the SDK's types (left out)`)
            continue
          }
          const target = model.shapes[spec.shape]
          const isPolicy = policyDocumentShapes.includes(spec.shape)
          let memberRule
          if (sdkMember.type === "unknown") {
            // A member the command input replaces (S3's streaming `Body`): a blob check takes every
            // form of bytes (strings, arrays of bytes, Blobs, any stream); anything else is unchecked.
            memberRule = target.type === "blob" ? intern({ type: "blob" }) : anyRule()
          } else if (!isPolicy && sdkKind(sdkMember.type, sdk.enums, sdk.interfaces) !== botocoreKind[target.type]) {
            relaxed.push(`${where}.${name}: botocore ${target.type}, SDK ${sdkMember.type} (not type-checked)`)
            memberRule = anyRule()
          } else {
            const nested = target.type === "structure" ? sdkStructure(spec.shape) : undefined
            memberRule = rule(spec.shape, nested, spec.shape, isPolicy)
            // botocore: a member bound to the host name has an implicit min length of 1.
            if (spec.hostLabel === true && target.min === undefined) {
              memberRule = withMin(memberRule, 1)
            }
          }
          members.push([name, memberRule])
          const botoRequired = (shape.required ?? []).includes(name) && spec.idempotencyToken !== true
          if (botoRequired && sdkMember.required) required.push(name)
          else if (botoRequired) {
            relaxed.push(`${where}.${name}: required by botocore, optional in the SDK (not required)`)
          }
        }
        out = { type: "structure", members }
        if (required.length > 0) out.required = required
        if (shape.union === true) out.union = true
        break
      }
      default:
        throw new Error(`${generator}: ${service.model} ${shapeName}: unsupported shape type ${shape.type}`)
    }
    shapes[index] = out
    return index
  }
  const scalarRule = (shape, policy) => {
    const lengths = (out) => {
      if (shape.min !== undefined) out.min = shape.min
      if (shape.max !== undefined) out.max = shape.max
      return out
    }
    switch (shape.type) {
      case "string":
        return lengths({ type: policy ? "policyDocument" : "string" })
      case "integer":
      case "long":
        return lengths({ type: "integer" })
      case "float":
      case "double":
        return lengths({ type: "float" })
      case "boolean":
        return { type: "boolean" }
      case "timestamp":
        return { type: "timestamp" }
      case "blob":
        return { type: "blob" }
      default:
        return undefined
    }
  }
  const intern = (scalar) => {
    const content = `|${JSON.stringify(scalar)}`
    if (!indexOf.has(content)) {
      indexOf.set(content, shapes.length)
      shapes.push(scalar)
    }
    return indexOf.get(content)
  }
  const anyRule = () => intern({ type: "any" })
  const withMin = (index, min) => intern({ ...shapes[index], min })
  const sdkStructure = (name) => sdk.interfaces.get(name)?.members

  const operations = {}
  for (const name of Object.keys(model.operations).sort(byName)) {
    const input = model.operations[name].input?.shape
    const command = sdk.commands.get(name)
    if (input === undefined || command === undefined) continue
    operations[name] = rule(input, command.members, `${name}Input`, false)
  }
  return { ...dedupe(shapes, operations), relaxed }
}

// Rules built for different SDK interfaces often come out the same: keep one of each, renumbering
// the references, until nothing merges any more.
const dedupe = (shapes, operations) => {
  let current = shapes
  let ops = operations
  for (;;) {
    const first = new Map()
    const target = current.map((rule, i) => {
      const text = JSON.stringify(rule)
      if (!first.has(text)) first.set(text, i)
      return first.get(text)
    })
    if (target.every((t, i) => t === i)) return { shapes: current, operations: ops }
    const kept = current.map((_, i) => i).filter((i) => target[i] === i)
    const renumber = new Map(kept.map((old, i) => [old, i]))
    const ref = (i) => renumber.get(target[i])
    current = kept.map((i) => {
      const rule = current[i]
      if (rule.type === "list") return { ...rule, member: ref(rule.member) }
      if (rule.type === "map") return { ...rule, key: ref(rule.key), value: ref(rule.value) }
      if (rule.type === "structure") return { ...rule, members: rule.members.map(([n, m]) => [n, ref(m)]) }
      return rule
    })
    ops = Object.fromEntries(Object.entries(ops).map(([name, i]) => [name, ref(i)]))
  }
}

const render = (service, version, sdkVersion, built) => {
  const lines = [
    `// This file is generated by ${generator}. Do not edit.`,
    `// Source: ${
      version.split("\n")[0].replace(/ service models.*/, "")
    } ${service.model}-service-2.json (vendored in scripts/models/botocore), checked against ${service.sdk} ${sdkVersion}`,
    `import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"`,
    ``,
    `// Where the SDK's types differ from botocore's model, the SDK wins (nothing it accepts is refused):`,
    ...(built.relaxed.length === 0 ? ["//   (none)"] : built.relaxed.sort(byName).map((r) => `//   ${r}`)),
    ``,
    `/**`,
    ` * boto3's input rules for every ${service.id} operation: the operation's input shape, by index into \`shapes\`.`,
    ` *`,
    ` * @internal`,
    ` */`,
    `export const rules: ClientRuntime.ValidationRules = {`,
    `  shapes: [`,
    built.shapes.map((s, i) => `    /* ${i} */ ${JSON.stringify(s)}`).join(",\n"),
    `  ],`,
    `  operations: {`,
    Object.entries(built.operations).map(([k, v]) => `    ${k}: ${v}`).join(",\n"),
    `  }`,
    `}`,
    ``
  ]
  return lines.join("\n").replace(/"(\w+)":/g, "$1: ")
}

export async function generate() {
  const { ESLint } = await import("eslint")
  const eslint = new ESLint({ cwd: root, fix: true })
  const version = await readFile(path.join(modelsDir, "VERSION"), "utf8")
  const outputs = []
  for (const service of services) {
    const model = JSON.parse(await readFile(path.join(modelsDir, `${service.model}-service-2.json`), "utf8"))
    const sdk = await readSdkInterfaces(service)
    const sdkVersion =
      JSON.parse(await readFile(path.join(root, "node_modules", service.sdk, "package.json"), "utf8")).version
    const built = build(service, model, sdk)
    const rel = `packages/${service.pkg}/src/internal/generated/validation.ts`
    const content = render(service, version, sdkVersion, built)
    const [result] = await eslint.lintText(content, { filePath: path.join(root, rel) })
    const problems = result.messages.filter((m) => m.severity === 2)
    if (problems.length > 0) {
      throw new Error(`${rel}: lint errors: ${problems.map((p) => `${p.line}: ${p.message}`).join("; ")}`)
    }
    outputs.push({ path: rel, content: result.output ?? content })
    if (service.id === "IAM") {
      const rendered = renderPolicies(service, version, sdkVersion, policies(model, sdk))
      for (
        const [file, text] of [["generated/policies.ts", rendered.data], ["generated/sdkTypes.ts", rendered.types]]
      ) {
        const target = `packages/${service.pkg}/src/internal/${file}`
        const [formatted] = await eslint.lintText(text, { filePath: path.join(root, target) })
        const errors = formatted.messages.filter((m) => m.severity === 2)
        if (errors.length > 0) {
          throw new Error(`${target}: lint errors: ${errors.map((p) => `${p.line}: ${p.message}`).join("; ")}`)
        }
        outputs.push({ path: target, content: formatted.output ?? text })
      }
    }
  }
  return outputs
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents (decoded as boto3's json_decode_policies does): where they are in each
// operation's output and input, and the SDK types with those members decoded / encodable.

// The member names PolicyDocument.DecodedOutput / EncodableInput map by name; checked below to be
// exactly the policy documents of the model.
const outputMemberNames = ["AssumeRolePolicyDocument", "Document", "PolicyDocument"]
const inputMemberNames = ["AssumeRolePolicyDocument", "PolicyDocument", "ResourcePolicy"]
const inputListNames = ["PermissionsBoundaryPolicyInputList", "PolicyInputList"]

const isPolicy = (model, shapeName) => policyDocumentShapes.includes(shapeName)
const isPolicyList = (model, shapeName) =>
  model.shapes[shapeName].type === "list" && isPolicy(model, model.shapes[shapeName].member.shape)

// The paths (segments; "[]" for list items) to every policy document under an output shape.
const policyPaths = (model, shapeName, seen = new Set()) => {
  const shape = model.shapes[shapeName]
  if (seen.has(shapeName)) return []
  const inner = new Set(seen).add(shapeName)
  if (shape.type === "list") return policyPaths(model, shape.member.shape, inner).map((p) => ["[]", ...p])
  if (shape.type !== "structure") return []
  const paths = []
  for (const name of Object.keys(shape.members ?? {}).sort(byName)) {
    const member = shape.members[name].shape
    if (isPolicy(model, member)) {
      if (!outputMemberNames.includes(name)) throw new Error(`${generator}: ${shapeName}.${name} is a policy document`)
      paths.push([name])
    } else {
      if (outputMemberNames.includes(name)) {
        throw new Error(`${generator}: ${shapeName}.${name} is not a policy document`)
      }
      for (const p of policyPaths(model, member, inner)) paths.push([name, ...p])
    }
  }
  return paths
}

const policies = (model, sdk) => {
  const outputs = {}
  const inputs = {}
  const decodedTypes = new Set()
  const encodableTypes = new Set()
  for (const name of Object.keys(model.operations).sort(byName)) {
    const op = model.operations[name]
    if (!sdk.commands.has(name)) continue
    const output = op.output?.shape
    if (output !== undefined) {
      const paths = policyPaths(model, output)
      if (paths.length > 0) {
        outputs[name] = paths
        decodedTypes.add(`${name}CommandOutput`)
      }
    }
    const input = op.input?.shape
    if (input === undefined) continue
    const members = []
    for (const [member, spec] of Object.entries(model.shapes[input].members ?? {})) {
      if (isPolicy(model, spec.shape)) {
        if (!inputMemberNames.includes(member)) throw new Error(`${generator}: ${input}.${member} is a policy document`)
        members.push(member)
      } else if (isPolicyList(model, spec.shape)) {
        if (!inputListNames.includes(member)) throw new Error(`${generator}: ${input}.${member} lists policies`)
        members.push(member)
      } else if (inputMemberNames.includes(member) || inputListNames.includes(member)) {
        throw new Error(`${generator}: ${input}.${member} is not a policy document`)
      }
    }
    if (members.length > 0) {
      inputs[name] = members.sort(byName)
      encodableTypes.add(`${name}CommandInput`)
      if (sdk.interfaces.has(input)) encodableTypes.add(input)
    }
  }
  // Every SDK interface of a shape that holds a policy document somewhere below it.
  for (const name of Object.keys(model.shapes).sort(byName)) {
    if (model.shapes[name].type !== "structure" || model.shapes[name].exception) continue
    if (Object.values(model.operations).some((op) => op.input?.shape === name)) continue
    if (policyPaths(model, name).length > 0 && sdk.interfaces.has(name)) decodedTypes.add(name)
  }
  return {
    outputs,
    inputs,
    decodedTypes: [...decodedTypes].sort(byName),
    encodableTypes: [...encodableTypes].sort(byName)
  }
}

const renderPolicies = (service, version, sdkVersion, found) => {
  const source =
    `// Source: ${version.split("\n")[0].replace(/ service models.*/, "")} ${service.model}-service-2.json ` +
    `(vendored in scripts/models/botocore), ${service.sdk} ${sdkVersion}`
  const data = [
    `// This file is generated by ${generator}. Do not edit.`,
    source,
    ``,
    `/**`,
    ` * Where each operation's output holds policy documents (member paths; "[]" steps into a list).`,
    ` *`,
    ` * @internal`,
    ` */`,
    `export const outputs: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>> = ${
      JSON.stringify(found.outputs)
    }`,
    ``,
    `/**`,
    ` * The input members of each operation that take a policy document (or a list of them).`,
    ` *`,
    ` * @internal`,
    ` */`,
    `export const inputs: Readonly<Record<string, ReadonlyArray<string>>> = ${JSON.stringify(found.inputs)}`,
    ``
  ].join("\n")
  const types = [
    `// This file is generated by ${generator}. Do not edit.`,
    source,
    `// The SDK's module, with the types that hold policy documents decoded (outputs) or taking an`,
    `// object too (inputs); the generated IAM modules import it as \`Sdk\`.`,
    `import type * as Base from "${service.sdk}"`,
    `import type * as PolicyDocument from "../../PolicyDocument.js"`,
    ``,
    `export * from "${service.sdk}"`,
    ``,
    ...found.decodedTypes.map((t) => `/** @internal */\nexport type ${t} = PolicyDocument.DecodedOutput<Base.${t}>\n`),
    ...found.encodableTypes.map((t) =>
      `/** @internal */\nexport type ${t} = PolicyDocument.EncodableInput<Base.${t}>\n`
    )
  ].join("\n")
  return { data, types }
}

export const policyOutputs = async () => {
  const service = services.find((s) => s.id === "IAM")
  const model = JSON.parse(await readFile(path.join(modelsDir, `${service.model}-service-2.json`), "utf8"))
  const sdk = await readSdkInterfaces(service)
  return { service, model, sdk, found: policies(model, sdk) }
}
