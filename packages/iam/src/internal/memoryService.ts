import * as Sdk from "@aws-sdk/client-iam"
import * as ClientFactory from "@effect-boto/core/ClientFactory"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as IAMClient from "../IAMClient.js"
import { description } from "./client.js"
import { operationNames } from "./generated/operations.js"
import { makeSend } from "./memory.js"

const regionName = "us-east-1"

const commandName = (operation: string): string => operation.charAt(0).toUpperCase() + operation.slice(1)

// An operation the store does not implement dies naming it: a test that needs it should know at once
// rather than handle a made-up service error. Those operations sit on one object, made once, put
// between each store's client and the prototype of its operations: a test builds a store per case,
// and defining a hundred properties on each cost more than the rest of the store.
let unimplementedOperations: object | undefined

const dieUnimplemented = (implemented: ReadonlySet<string>) => (operations: object): void => {
  if (unimplementedOperations === undefined) {
    const dying: object = Object.create(Object.getPrototypeOf(operations))
    for (const operation of operationNames) {
      const name = commandName(operation)
      if (implemented.has(name)) continue
      Object.defineProperty(dying, operation, {
        value: () => Effect.dieMessage(`IAMClient.layerMemory does not implement ${name}`),
        enumerable: true
      })
    }
    unimplementedOperations = dying
  }
  Object.setPrototypeOf(operations, unimplementedOperations)
}

// Building an SDK client costs more than the rest of a memory layer together, and a memory layer is
// typically built once per test: one client serves them all, never sending a request.
let sharedSdk: Sdk.IAMClient | undefined

/** @internal */
export const makeEmpty = (): IAMClient.Service => {
  const { implemented, send } = makeSend()
  sharedSdk ??= new Sdk.IAMClient({
    region: regionName,
    credentials: { accessKeyId: "AKIAMEMORYMEMORYMEMO", secretAccessKey: "memory" }
  })
  // The SDK client with its `send` answering from this store: `service.sdk.send(command)` works as
  // the operations do, and no socket is ever opened.
  const sdk = new Proxy(sharedSdk, {
    get: (target, property, receiver) => (property === "send" ? send : Reflect.get(target, property, receiver))
  })
  return ClientFactory.fromSdk(description, sdk, regionName, Option.none(), dieUnimplemented(implemented))
}

const each = <A, E>(
  items: ReadonlyArray<A> | undefined,
  f: (item: A) => Effect.Effect<unknown, E>
): Effect.Effect<void, E> => Effect.forEach(items ?? [], f, { discard: true })

// A principal's managed policies attached, then its inline policies put.
const policiesOf = <E1, E2>(
  principal: IAMClient.MemoryPrincipal,
  attach: (PolicyArn: string) => Effect.Effect<unknown, E1>,
  put: (
    PolicyName: string,
    PolicyDocument: NonNullable<IAMClient.MemoryPrincipal["InlinePolicies"]>[string]
  ) => Effect.Effect<unknown, E2>
): Effect.Effect<void, E1 | E2> =>
  Effect.andThen(
    each(principal.AttachedPolicies, attach),
    each(Object.entries(principal.InlinePolicies ?? {}), ([name, document]) => put(name, document))
  )

const seed = (service: IAMClient.Service, state: IAMClient.MemoryState) =>
  Effect.gen(function*() {
    yield* each(state.policies, (input) => service.createPolicy(input))
    yield* each(state.groups, ({ AttachedPolicies, InlinePolicies, ...input }) =>
      Effect.andThen(service.createGroup(input), () =>
        policiesOf(
          { AttachedPolicies, InlinePolicies },
          (PolicyArn) =>
            service.attachGroupPolicy({ GroupName: input.GroupName, PolicyArn }),
          (PolicyName, PolicyDocument) =>
            service.putGroupPolicy({ GroupName: input.GroupName, PolicyName, PolicyDocument })
        )))
    yield* each(state.users, ({ AttachedPolicies, Groups, InlinePolicies, ...input }) =>
      Effect.andThen(service.createUser(input), () =>
        Effect.andThen(
          each(Groups, (GroupName) =>
            service.addUserToGroup({ GroupName, UserName: input.UserName })),
          policiesOf(
            { AttachedPolicies, InlinePolicies },
            (PolicyArn) =>
              service.attachUserPolicy({ UserName: input.UserName, PolicyArn }),
            (PolicyName, PolicyDocument) =>
              service.putUserPolicy({ UserName: input.UserName, PolicyName, PolicyDocument })
          )
        )))
    yield* each(state.roles, ({ AttachedPolicies, InlinePolicies, ...input }) =>
      Effect.andThen(service.createRole(input), () =>
        policiesOf(
          { AttachedPolicies, InlinePolicies },
          (PolicyArn) =>
            service.attachRolePolicy({ RoleName: input.RoleName, PolicyArn }),
          (PolicyName, PolicyDocument) =>
            service.putRolePolicy({ RoleName: input.RoleName, PolicyName, PolicyDocument })
        )))
    yield* each(state.instanceProfiles, ({ Roles, ...input }) =>
      Effect.andThen(
        service.createInstanceProfile(input),
        () =>
          each(
            Roles,
            (RoleName) =>
              service.addRoleToInstanceProfile({ InstanceProfileName: input.InstanceProfileName, RoleName })
          )
      ))
    return service
  })

/** @internal */
export const makeMemory = (
  state?: IAMClient.MemoryState
): Effect.Effect<IAMClient.Service, IAMClient.MemorySeedError> =>
  Effect.suspend(() => {
    const service = makeEmpty()
    return state === undefined ? Effect.succeed(service) : seed(service, state)
  })
