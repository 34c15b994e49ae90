import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type { Acceptor, Options, Spec } from "../Waiter.js"
import * as JmesPath from "./jmespath.js"
import { WaiterError } from "./waiterError.js"

const numberField = (value: unknown, name: string): number | undefined => {
  const field = JmesPath.getField(value, name)
  return typeof field === "number" ? field : undefined
}

const stringField = (value: unknown, name: string): string | undefined => {
  const field = JmesPath.getField(value, name)
  return typeof field === "string" ? field : undefined
}

/** The HTTP status of a response (SDK `$metadata`) or of an error (typed `statusCode`, raw SDK `$metadata`). */
const statusOf = (outcome: Either.Either<unknown, unknown>): number | undefined =>
  Either.match(outcome, {
    // A response without `$metadata` (a hand-written call) counts as a plain 200.
    onRight: (response) => numberField(JmesPath.getField(response, "$metadata"), "httpStatusCode") ?? 200,
    onLeft: (error) =>
      numberField(error, "statusCode") ?? numberField(JmesPath.getField(error, "$metadata"), "httpStatusCode")
  })

/**
 * The names an error answers to: its AWS `code` (typed errors: `NoSuchEntity` for the
 * `NoSuchEntityException` class), `Code` (query-protocol SDK errors), `_tag`, and for a raw SDK
 * exception its `name`.
 */
const codesOf = (error: unknown): ReadonlyArray<string> => {
  const codes: Array<string> = []
  for (const name of ["code", "Code", "_tag"]) {
    const code = stringField(error, name)
    if (code !== undefined) codes.push(code)
  }
  if (JmesPath.getField(error, "$metadata") !== undefined && error instanceof Error) codes.push(error.name)
  return codes
}

const expression = (acceptor: Acceptor): JmesPath.Expression => {
  const compiled = JmesPath.compile(acceptor.argument ?? "")
  // A malformed model expression is a bug in the spec, not something a caller can handle.
  if (typeof compiled === "string") throw new Error(`Invalid waiter acceptor: ${compiled}`)
  return compiled
}

/** @internal */
export const matches = (acceptor: Acceptor, outcome: Either.Either<unknown, unknown>): boolean => {
  switch (acceptor.matcher) {
    case "status":
      return statusOf(outcome) === acceptor.expected
    case "error":
      return Either.match(outcome, {
        onRight: () => acceptor.expected === false,
        onLeft: (error) => acceptor.expected === true || codesOf(error).some((code) => code === acceptor.expected)
      })
    case "path":
    case "pathAll":
    case "pathAny": {
      // Path matchers look at responses only; an error never matches them.
      if (Either.isLeft(outcome)) return false
      const result = JmesPath.search(expression(acceptor), outcome.right)
      if (acceptor.matcher === "path") return result === acceptor.expected
      if (!Array.isArray(result) || result.length === 0) return false
      return acceptor.matcher === "pathAll"
        ? result.every((element) => element === acceptor.expected)
        : result.some((element) => element === acceptor.expected)
    }
  }
}

/** botocore's wording for what an acceptor matched, used in error messages. */
const explain = (acceptor: Acceptor): string => {
  const expected = JSON.stringify(acceptor.expected)
  switch (acceptor.matcher) {
    case "status":
      return `Matched expected HTTP status code: ${expected}`
    case "error":
      return `Matched expected service error code: ${expected}`
    case "path":
      return `For expression "${acceptor.argument}" we matched expected path: ${expected}`
    case "pathAll":
      return `For expression "${acceptor.argument}" all members matched expected path: ${expected}`
    case "pathAny":
      return `For expression "${acceptor.argument}" we matched expected path: ${expected} at least once`
  }
}

const describeError = (error: unknown): string => {
  const code = codesOf(error)[0] ?? "Unknown"
  const message = stringField(error, "message") ?? "Unknown"
  return `An error occurred (${code}): ${message}`
}

type Outcome = { readonly _tag: "Done" } | { readonly _tag: "Retry"; readonly last: Either.Either<unknown, unknown> }

/** @internal */
export const make = <Input, A, E, R>(
  spec: Spec,
  call: (input: Input) => Effect.Effect<A, E, R>,
  input: Input,
  options?: Options | undefined
): Effect.Effect<void, WaiterError, R> =>
  Effect.suspend(() => {
    const fail = (
      reason: WaiterError["reason"],
      detail: string,
      attempts: number,
      last: Either.Either<unknown, unknown> | undefined
    ) =>
      new WaiterError({
        message: `Waiter ${spec.name} failed: ${detail}`,
        waiterName: spec.name,
        reason,
        attempts,
        ...(last === undefined ? {} : Either.match(last, {
          onRight: (response) => ({ lastResponse: response }),
          onLeft: (error) => ({ lastError: error, cause: error })
        }))
      })

    const delayOption = options?.delay === undefined
      ? Option.some(Duration.seconds(spec.delay))
      : Duration.decodeUnknown(options.delay)
    if (Option.isNone(delayOption) || !Duration.isFinite(delayOption.value)) {
      return Effect.fail(
        fail("InvalidConfig", `delay must be a finite duration, got ${String(options?.delay)}`, 0, undefined)
      )
    }
    const maxAttempts = options?.maxAttempts ?? spec.maxAttempts
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
      return Effect.fail(
        fail("InvalidConfig", `maxAttempts must be a positive integer, got ${String(maxAttempts)}`, 0, undefined)
      )
    }

    let attempts = 0
    let lastMatched: Acceptor | undefined
    const poll: Effect.Effect<Outcome, WaiterError, R> = Effect.either(call(input)).pipe(
      Effect.flatMap((result) => {
        attempts++
        const last: Either.Either<unknown, unknown> = result
        const acceptor = spec.acceptors.find((candidate) => matches(candidate, last))
        if (acceptor === undefined) {
          if (Either.isLeft(last)) return Effect.fail(fail("UnexpectedError", describeError(last.left), attempts, last))
          return Effect.succeed<Outcome>({ _tag: "Retry", last })
        }
        lastMatched = acceptor
        switch (acceptor.state) {
          case "success":
            return Effect.succeed<Outcome>({ _tag: "Done" })
          case "failure":
            return Effect.fail(
              fail(
                "FailureState",
                `Waiter encountered a terminal failure state: ${explain(acceptor)}`,
                attempts,
                last
              )
            )
          case "retry":
            return Effect.succeed<Outcome>({ _tag: "Retry", last })
        }
      })
    )

    // The first poll runs at once; the schedule allows maxAttempts - 1 more, `delay` apart, while
    // the outcome is "retry", and hands back the last outcome.
    const schedule = Schedule.spaced(delayOption.value).pipe(
      Schedule.intersect(Schedule.recurs(maxAttempts - 1)),
      Schedule.whileInput((outcome: Outcome) => outcome._tag === "Retry"),
      Schedule.passthrough
    )

    return Effect.repeat(poll, schedule).pipe(
      Effect.flatMap((outcome) => {
        if (outcome._tag === "Done") return Effect.void
        const previous = lastMatched === undefined ? "" : `. Previously accepted state: ${explain(lastMatched)}`
        return Effect.fail(fail("MaxAttemptsExceeded", `Max attempts exceeded${previous}`, attempts, outcome.last))
      })
    )
  }).pipe(
    Effect.withSpan(`${spec.service ?? "AWS"}.waitFor.${spec.name}`, {
      attributes: { "aws.waiter.name": spec.name, "aws.waiter.operation": spec.operation }
    })
  )
