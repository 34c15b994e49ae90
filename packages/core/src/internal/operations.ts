import type { HttpHandlerOptions } from "@smithy/types"
import type * as Effect from "effect/Effect"
import type * as ClientRuntime from "../ClientRuntime.js"
import { makeOperation } from "./client.js"
import { makePooledSend } from "./handlerPool.js"
import { sharedPrototypes } from "./sharedMembers.js"

type AnyOperation = (input: unknown, options?: ClientRuntime.CallOptions) => Effect.Effect<unknown, unknown>

// What the methods of each service object read: its SDK client and binding.
const states = new WeakMap<object, State>()

interface State {
  readonly client: ClientRuntime.SdkSender
  readonly binding: ClientRuntime.Binding
}

const stateOf = (target: object): State => {
  const state = states.get(target)
  if (state === undefined) throw new Error("an operation was read from an object that is not an effect-boto client")
  return state
}

// One operation of one client, built on its first use from the table entry.
const build = (spec: ClientRuntime.OperationSpec, { binding, client }: State): AnyOperation => {
  const { decodesOutput, encodesInput, name, optionalInput } = spec
  const encode = encodesInput === true ? binding.encodeInput : undefined
  const decode = decodesOutput === true ? binding.decodeOutput : undefined
  // Resolved middleware chains reused call after call (see `handlerPool`).
  const pooled = makePooledSend(client)
  const send = (input: unknown, options: HttpHandlerOptions): Promise<ClientRuntime.MetadataBearer> => {
    const given = optionalInput === true && input === undefined ? {} : input
    // The input's type is the operations interface's business; the table holds every command alike.
    const command: object = Reflect.construct(spec.command, [encode !== undefined ? encode(name, given) : given])
    const sent = pooled !== undefined ? pooled(command, options) : client.send(command, options)
    return decode !== undefined ? sent.then((output) => decode(name, output)) : sent
  }
  const operation: AnyOperation = makeOperation(binding, name, spec.errors, send)
  return spec.streaming !== undefined && binding.streaming !== undefined
    ? binding.streaming(spec, operation)
    : operation
}

// One prototype per table, shared by every client of the service: each operation is built for the
// client it is read from on first use and kept there, so a client holds only the operations it has
// used (a program with hundreds of clients pays for what each one calls).
type Table = Readonly<Record<string, ClientRuntime.OperationSpec>>

const prototypeOf = sharedPrototypes<ClientRuntime.OperationSpec>(
  Object.prototype,
  (spec, target) => build(spec, stateOf(target))
)

/** @internal */
export const makeOperations = <Ops extends object>(
  table: ClientRuntime.OperationTable<Ops> & Table,
  client: ClientRuntime.SdkSender,
  binding: ClientRuntime.Binding
): Ops => {
  const operations: Ops = Object.create(prototypeOf(table))
  states.set(operations, { client, binding })
  return operations
}
