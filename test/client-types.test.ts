/**
 * The generated surface: every SDK command has its method, and the error unions are exact. The
 * type-level assertions are checked by vitest's typecheck (vitest.config.ts; tsc on test/tsconfig.json:
 * a wrong union fails the test run) and by `npm run check`; the runtime tests check the method table
 * against the installed SDK packages.
 */
import type * as SdkIam from "@aws-sdk/client-iam"
import type * as SdkS3 from "@aws-sdk/client-s3"
import type { AwsError, ClientRuntime, Credentials } from "@effect-boto/core"
import { IAMClient, type IAMError } from "@effect-boto/iam"
import { type S3Body, S3Client, type S3Error } from "@effect-boto/s3"
import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { motoSession } from "./support/session.js"

type Common =
  | AwsError.AccessDenied
  | AwsError.Throttling
  | AwsError.InvalidCredentials
  | AwsError.ServiceUnavailable
  | AwsError.AwsUnknownError
  | AwsError.AwsTransportError
  | AwsError.ParamValidationError
  | Credentials.NoCredentials
  | Credentials.CredentialsProviderError

type CommonTags = Common["_tag"]

const sdkCommands = (module: Record<string, unknown>) =>
  Object.keys(module)
    .filter((name) => /^[A-Z]\w*Command$/.test(name) && typeof module[name] === "function")
    .map((name) => name.charAt(0).toLowerCase() + name.slice(1, -"Command".length))
    .sort()

describe("generated client surface", () => {
  it.effect("every *Command of @aws-sdk/client-s3 and @aws-sdk/client-iam is a method", () =>
    Effect.gen(function*() {
      const s3Module = yield* Effect.promise(() => import("@aws-sdk/client-s3"))
      const iamModule = yield* Effect.promise(() => import("@aws-sdk/client-iam"))
      const s3 = yield* S3Client.S3Client
      const iam = yield* IAMClient.IAMClient
      const s3Methods = sdkCommands(s3Module)
      const iamMethods = sdkCommands(iamModule)
      assert.isAtLeast(s3Methods.length, 100)
      assert.isAtLeast(iamMethods.length, 170)
      const missing = [
        ...s3Methods.filter((m) => typeof (s3 as unknown as Record<string, unknown>)[m] !== "function"),
        ...iamMethods.filter((m) => typeof (iam as unknown as Record<string, unknown>)[m] !== "function")
      ]
      assert.deepStrictEqual(missing, [])
      // The exported name lists are exactly the SDK's commands.
      assert.deepStrictEqual([...S3Client.operationNames], s3Methods)
      assert.deepStrictEqual([...IAMClient.operationNames], iamMethods)
    }).pipe(
      Effect.provide(Layer.mergeAll(S3Client.layer, IAMClient.layer)),
      Effect.provide(Layer.suspend(() => motoSession())),
      Effect.scoped
    ))

  it("S3 error unions are exact", () => {
    // The SDK's model plus the service-wide errors S3 raises (scripts/codegen/clients.mjs cites each).
    expectTypeOf<S3Error.GetObjectError["_tag"]>().toEqualTypeOf<
      "InvalidObjectState" | "NoSuchBucket" | "NoSuchKey" | CommonTags
    >()
    expectTypeOf<S3Error.CopyObjectError["_tag"]>().toEqualTypeOf<
      "NoSuchBucket" | "NoSuchKey" | "ObjectNotInActiveTierError" | CommonTags
    >()
    expectTypeOf<S3Error.UploadPartCopyError["_tag"]>().toEqualTypeOf<
      "NoSuchBucket" | "NoSuchKey" | "NoSuchUpload" | CommonTags
    >()
    expectTypeOf<S3Error.PutObjectError["_tag"]>().toEqualTypeOf<
      | "EncryptionTypeMismatch"
      | "InvalidRequest"
      | "InvalidWriteOffset"
      | "NoSuchBucket"
      | "TooManyParts"
      | CommonTags
    >()
    // A HEAD answer has no body: only NotFound, whatever botocore's model lists.
    expectTypeOf<S3Error.HeadObjectError["_tag"]>().toEqualTypeOf<"NotFound" | CommonTags>()
    expectTypeOf<S3Error.HeadBucketError["_tag"]>().toEqualTypeOf<"NotFound" | CommonTags>()
    // Creating a bucket cannot meet a missing one.
    expectTypeOf<S3Error.CreateBucketError["_tag"]>().toEqualTypeOf<
      "BucketAlreadyExists" | "BucketAlreadyOwnedByYou" | CommonTags
    >()
    // No @throws in the SDK: only the common part.
    expectTypeOf<S3Error.ListBucketsError>().toEqualTypeOf<AwsError.CommonError>()
    expectTypeOf<S3Error.ListBucketsError["_tag"]>().toEqualTypeOf<CommonTags>()
    // S3's modelled AccessDenied replaces the common one where it is declared.
    expectTypeOf<S3Error.UpdateObjectEncryptionError>().toEqualTypeOf<
      | S3Error.AccessDenied
      | S3Error.InvalidRequest
      | S3Error.NoSuchBucket
      | S3Error.NoSuchKey
      | Exclude<Common, AwsError.AccessDenied>
    >()

    // The method signature carries the SDK output (its Body an S3Body) and the union.
    type GetObject = S3Client.Service["getObject"]
    expectTypeOf<Parameters<GetObject>[0]>().toEqualTypeOf<SdkS3.GetObjectCommandInput>()
    expectTypeOf<ReturnType<GetObject>>().toEqualTypeOf<
      Effect.Effect<S3Body.WithBody<SdkS3.GetObjectCommandOutput, "Body">, S3Error.GetObjectError>
    >()
    type Output = Effect.Effect.Success<ReturnType<GetObject>>
    expectTypeOf<Output["Body"]>().toEqualTypeOf<S3Body.S3Body>()
    expectTypeOf<Output["Body"]["text"]>().toEqualTypeOf<Effect.Effect<string, AwsError.AwsTransportError>>()
    // A streamed Body's error joins the call's error channel.
    class SourceFailed {
      readonly _tag = "SourceFailed"
    }
    const source: Stream.Stream<Uint8Array, SourceFailed> = Stream.empty
    const _put = (s3: S3Client.Service) => s3.putObject({ Bucket: "b", Key: "k", Body: source, ContentLength: 0 })
    expectTypeOf<Effect.Effect.Error<ReturnType<typeof _put>>>().toEqualTypeOf<S3Error.PutObjectError | SourceFailed>()
    // @ts-expect-error a streamed Body needs its ContentLength
    const _noLength = (s3: S3Client.Service) => s3.putObject({ Bucket: "b", Key: "k", Body: source })
    // An input with no required member is optional.
    expectTypeOf<Parameters<S3Client.Service["listBuckets"]>>().toEqualTypeOf<
      [input?: SdkS3.ListBucketsCommandInput, options?: ClientRuntime.CallOptions]
    >()
  })

  it("IAM error unions are exact", () => {
    expectTypeOf<IAMError.GetUserError["_tag"]>().toEqualTypeOf<
      "NoSuchEntityException" | "ServiceFailureException" | CommonTags
    >()
    expectTypeOf<IAMError.DeleteUserError["_tag"]>().toEqualTypeOf<
      | "ConcurrentModificationException"
      | "DeleteConflictException"
      | "LimitExceededException"
      | "NoSuchEntityException"
      | "ServiceFailureException"
      | CommonTags
    >()
    expectTypeOf<ReturnType<IAMClient.Service["listUsers"]>>().toEqualTypeOf<
      Effect.Effect<SdkIam.ListUsersCommandOutput, IAMError.ListUsersError>
    >()
  })

  it("catchTag accepts only the tags of the union", () => {
    const program = Effect.gen(function*() {
      const s3 = yield* S3Client.S3Client
      const handled = s3.getObject({ Bucket: "b", Key: "k" }).pipe(
        Effect.catchTag("NoSuchKey", () => Effect.succeed(undefined))
      )
      expectTypeOf(handled).toEqualTypeOf<
        Effect.Effect<
          S3Body.WithBody<SdkS3.GetObjectCommandOutput, "Body"> | undefined,
          Exclude<S3Error.GetObjectError, S3Error.NoSuchKey>
        >
      >()
      const bucketHandled = s3.getObject({ Bucket: "b", Key: "k" }).pipe(
        Effect.catchTag("NoSuchBucket", () => Effect.succeed(undefined))
      )
      expectTypeOf(bucketHandled).toEqualTypeOf<
        Effect.Effect<
          S3Body.WithBody<SdkS3.GetObjectCommandOutput, "Body"> | undefined,
          Exclude<S3Error.GetObjectError, S3Error.NoSuchBucket>
        >
      >()
      // @ts-expect-error ListBuckets is addressed to no bucket: no NoSuchBucket
      s3.listBuckets().pipe(Effect.catchTag("NoSuchBucket", () => Effect.void))
      // @ts-expect-error ListBuckets cannot fail with NoSuchKey
      s3.listBuckets().pipe(Effect.catchTag("NoSuchKey", () => Effect.void))
      // @ts-expect-error HeadObject fails with NotFound, not NoSuchKey
      s3.headObject({ Bucket: "b", Key: "k" }).pipe(Effect.catchTag("NoSuchKey", () => Effect.void))
      const iam = yield* IAMClient.IAMClient
      // @ts-expect-error GetUser does not declare EntityAlreadyExistsException
      iam.getUser({ UserName: "u" }).pipe(Effect.catchTag("EntityAlreadyExistsException", () => Effect.void))
    })
    assert.isTrue(Effect.isEffect(program))
  })
})
