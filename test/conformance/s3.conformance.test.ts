/**
 * S3 conformance: the same cases (test/conformance/s3.cases.ts) against moto and against the
 * in-memory S3 (`S3Client.layerMemory`); both must observe AWS's answer. Where moto answers
 * differently from AWS, the case records moto's answer and why, and the memory layer follows AWS.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { s3Backends } from "../support/backends.js"
import { unique } from "../support/unique.js"
import { cases } from "./s3.cases.js"

// The live clock (`it.live`): no case sleeps, and the test services `it.effect` builds for every
// case cost more than a case on the memory layer.
describe("S3 conformance", () => {
  for (const backend of s3Backends()) {
    describe(backend.name, () => {
      cases.forEach((testCase, index) => {
        it.live(testCase.name, () =>
          Effect.gen(function*() {
            const observed = yield* testCase.run(unique(`conf-${index}`)).pipe(Effect.provide(backend.layer))
            const expected = backend.name === "moto" && testCase.moto !== undefined
              ? testCase.moto.observed
              : testCase.expected
            assert.deepStrictEqual(observed, expected)
          }))
      })
    })
  }
})
