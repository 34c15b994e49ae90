import type * as Effect from "effect/Effect"
import type * as ClientRuntime from "../ClientRuntime.js"
import type * as Paginator from "../Paginator.js"
import type * as Waiter from "../Waiter.js"
import { make as makePaginator } from "./paginator.js"
import { sharedPrototypes } from "./sharedMembers.js"
import { make as makeWaiter } from "./waiter.js"

// The typed interfaces (`S3Paginate`, `S3WaitFor`, …) meet the untyped tables here, and only here.
// The generator writes each table and its interface from the same model entries, declares every row
// as a `TypedSpec` (its method an operation of the client, its tokens and result keys members of
// the operation's input and output), and gives each interface method the error union of the
// operation it calls: the operation a row names answers the pages its spec reads, and the object
// built from a table is the interface the table is declared for.
const trusted = <T>(value: unknown): T => value as T

/** What a row of a paginator or waiter table says of the client method it calls. */
interface Row {
  readonly method: string
  readonly optionalInput?: boolean | undefined
}

type Operation = (input: object) => Effect.Effect<object, unknown>

type Method<Options> = (input: object, options?: Options) => unknown

// The client's operations each `paginate` / `waitFor` object was built over.
const operationsOf = new WeakMap<object, object>()

const operationsOfTarget = (target: object): object => {
  const operations = operationsOf.get(target)
  if (operations === undefined) throw new Error("a paginator or waiter was read from an object that is not a client's")
  return operations
}

/**
 * Builds objects callable by name (`ClientRuntime.ByName`) from a table, interpreting each row with
 * `run`: their methods live on one prototype per table, shared by every client of the service, and
 * each is bound to a client on its first use (`sharedPrototypes`), not one closure per row per client.
 */
const fromTable = <R extends Row, Options>(
  run: (row: R, call: Operation, input: object, options: Options | undefined) => unknown
) => {
  const bind = (row: R, operations: object): Method<Options> => {
    // The operation is read when a request is sent, as the client's own method call would.
    const call: Operation = (request) => trusted<Record<string, Operation>>(operations)[row.method](request)
    return row.optionalInput === true
      ? (input, options) => run(row, call, input ?? {}, options)
      : (input, options) => run(row, call, input, options)
  }

  // The prototype of a function, so each object stays callable.
  const prototypeOf = sharedPrototypes<R>(Function.prototype, (row, target) => bind(row, operationsOfTarget(target)))

  return <Service>(table: { readonly [name: string]: R }, operations: object): Service => {
    // boto3's get_paginator(name) / get_waiter(name): a call by name is the named method's call.
    const byName = (name: string, ...args: ReadonlyArray<unknown>): unknown => {
      const method: unknown = Object.hasOwn(table, name) ? Reflect.get(byName, name) : undefined
      if (typeof method !== "function") throw new TypeError(`no member named ${JSON.stringify(name)}`)
      return Reflect.apply(method, byName, args)
    }
    Object.setPrototypeOf(byName, prototypeOf(table))
    operationsOf.set(byName, operations)
    return trusted<Service>(byName)
  }
}

/** @internal */
export const paginate: <Paginate extends { readonly [K in keyof Paginate]: (...args: never) => unknown }>(
  table: Paginator.Table<Paginate>,
  operations: object
) => ClientRuntime.ByName<Paginate> = fromTable<Paginator.ClientSpec<never, unknown>, Paginator.Options>(
  (spec, call, input, options) => makePaginator(trusted<Paginator.Spec<object, unknown>>(spec), call, input, options)
)

/** @internal */
export const waitFor: <WaitFor extends { readonly [K in keyof WaitFor]: (...args: never) => unknown }>(
  table: Waiter.Table<WaitFor>,
  operations: object
) => ClientRuntime.ByName<WaitFor> = fromTable<Waiter.ClientSpec, Waiter.Options>(makeWaiter)
