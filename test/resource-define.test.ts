/**
 * `Resource.define`, the one interpreter of the generated resource tables, on a table written here
 * over an in-memory client (a record of methods answering Effects). It checks what the S3 and IAM
 * suites against moto cannot show: where the methods live (the prototype, shared by every resource
 * of a type), the requests the interpreter builds from a table, and that a table naming something
 * unknown fails when it is defined rather than when a method runs.
 */
import * as Resource from "@effect-boto/core/Resource"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"

interface Call {
  readonly method: string
  readonly input: object
}

const makeClient = (answers: { readonly thing?: object }) => {
  const calls: Array<Call> = []
  const client = {
    calls,
    // A request is made when the Effect runs, as with a real client.
    getThing: (input: object) =>
      Effect.sync(() => {
        calls.push({ method: "getThing", input })
        return answers.thing === undefined ? {} : { Thing: answers.thing }
      }),
    renameThing: (input: object) =>
      Effect.sync(() => {
        calls.push({ method: "renameThing", input })
        return {}
      })
  }
  return client
}
type Client = ReturnType<typeof makeClient>

interface Thing extends Resource.Resource<Client, { readonly Name: string }, { readonly Size?: number } | undefined> {
  readonly name: string
  readonly size: number | undefined
  load(): Effect.Effect<Thing, Resource.InvalidIdentifier | Resource.IncompleteResponse>
  rename(input: { readonly NewName?: string }): Effect.Effect<Thing, Resource.InvalidIdentifier>
}

interface Service {
  Thing(name: string): Thing
}

const table: Resource.ServiceTable<Client> = {
  serviceName: "test",
  resources: [{
    name: "Thing",
    identifiers: [{ name: "Name", prop: "name" }],
    attributes: { size: "Size" },
    load: {
      request: { operation: "GetThing", method: "getThing", params: [{ target: "ThingName", identifier: "Name" }] },
      path: "Thing"
    },
    actions: {
      rename: {
        request: {
          operation: "RenameThing",
          method: "renameThing",
          params: [{ target: "ThingName", identifier: "Name" }, { target: "Options.Mode", constant: "strict" }]
        },
        resource: { type: "Thing", identifiers: [{ request: "NewName" }] }
      }
    }
  }],
  service: {
    name: "ServiceResource",
    identifiers: [],
    subresources: { Thing: { type: "Thing", identifiers: [{ input: 0 }] } }
  }
}

const makeService = Resource.define<Client, Service>(table, { check: Resource.checkIdentifiers })

describe("Resource.define", () => {
  it("a resource owns only its identifiers; methods and getters are on its type's prototype", () => {
    const service = makeService(makeClient({}))
    const a = service.Thing("a")
    const b = service.Thing("b")
    assert.deepStrictEqual(Object.keys(a), ["name"])
    assert.strictEqual(a.load, b.load)
    assert.strictEqual(Object.getPrototypeOf(a), Object.getPrototypeOf(b))
    const prototype: object = Object.getPrototypeOf(a)
    for (const name of ["load", "reload", "rename", "size"]) assert.isTrue(Object.hasOwn(prototype, name), name)
    assert.strictEqual(String(a), `test.Thing(name="a")`)
  })

  it.effect("load sends the table's request and reads the data at its path", () =>
    Effect.gen(function*() {
      const client = makeClient({ thing: { Size: 3 } })
      const thing = makeService(client).Thing("a")
      assert.isUndefined(thing.size)
      const loaded = yield* thing.load()
      assert.deepStrictEqual(client.calls, [{ method: "getThing", input: { ThingName: "a" } }])
      assert.strictEqual(loaded.size, 3)
      assert.strictEqual(loaded.name, "a")
      assert.isUndefined(thing.size, "the resource it was loaded from is unchanged")
    }))

  it.effect("a response without the data's path fails with IncompleteResponse", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(makeService(makeClient({})).Thing("a").load())
      assert.strictEqual(error._tag, "IncompleteResponse")
      assert.strictEqual(error._tag === "IncompleteResponse" ? error.path : "", "Thing")
    }))

  it.effect("an action merges the caller's input under the table's parameters and builds its resource", () =>
    Effect.gen(function*() {
      const client = makeClient({})
      const renamed = yield* makeService(client).Thing("a").rename({ NewName: "b" })
      assert.strictEqual(renamed.name, "b")
      assert.deepStrictEqual(client.calls, [{
        method: "renameThing",
        input: { NewName: "b", ThingName: "a", Options: { Mode: "strict" } }
      }])
    }))

  it.effect("a missing request identifier or an empty identifier fails before any request", () =>
    Effect.gen(function*() {
      const client = makeClient({})
      const service = makeService(client)
      const missing = yield* Effect.flip(service.Thing("a").rename({}))
      assert.strictEqual(missing._tag, "InvalidIdentifier")
      const empty = yield* Effect.flip(service.Thing("").load())
      assert.strictEqual(empty._tag, "InvalidIdentifier")
      assert.deepStrictEqual(client.calls, [])
    }))

  it("a table naming an unknown resource type or hook fails when it is defined", () => {
    assert.throws(
      () =>
        Resource.define<Client, Service>(
          {
            ...table,
            service: {
              name: "ServiceResource",
              identifiers: [],
              subresources: { X: { type: "Nope", identifiers: [] } }
            }
          },
          { check: Resource.checkIdentifiers }
        ),
      /no resource type Nope/
    )
    assert.throws(
      () =>
        Resource.define<Client, Service>(
          { ...table, resources: [{ name: "Thing", identifiers: [], load: { hook: "loadThing" } }] },
          { check: Resource.checkIdentifiers }
        ),
      /no hook loadThing/
    )
  })
})
