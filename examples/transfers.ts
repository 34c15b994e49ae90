/**
 * Transfers and presigning: boto3's `upload_file`, `download_fileobj`, `copy` and
 * `generate_presigned_url` / `generate_presigned_post`.
 *
 *   1. write a 20 MiB file and upload it with `S3Transfer.uploadFile` (multipart, parts in
 *      parallel), printing progress;
 *   2. download it back as a `Stream` (one streamed GET, parallel ranges for the rest when the
 *      connection is slow; bytes in order) and compare SHA-256 digests without holding the object
 *      in memory, then to a file with `downloadFile({ resume: true })` (an interrupted run would
 *      continue from `<path>.partial`);
 *   3. copy it with `S3Transfer.copy` (one CopyObject; UploadPartCopy above the copy threshold,
 *      lowered here to show it);
 *   4. presign a GET and a POST form and use them with plain `fetch`;
 *   5. upload a folder, see what a sync would do (dry run), sync it with `delete`, download it back.
 *
 * Progress of step 1 comes from `S3Transfer.watch`: a live bar on a terminal, plain lines otherwise.
 *
 * Run: `npm run demo`, or `npx tsx examples/transfers.ts` with AWS_ENDPOINT_URL pointing at a moto
 * server, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and AWS_REGION set. With an endpoint set,
 * S3 uses path-style addressing (`http://host/bucket/key`), which moto needs.
 */
import { Session } from "@effect-boto/core"
import { S3Client, S3Presign, S3Transfer } from "@effect-boto/s3"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createHash, randomBytes } from "node:crypto"

const MiB = 1024 * 1024

/**
 * Shows a transfer's progress events (`S3Transfer.watch`): on a terminal, one bar redrawn in place
 * with the rate; otherwise (a pipe, a CI log) a plain line every 25%.
 */
const showProgress = <A>(label: string, event: S3Transfer.TransferEvent<S3Transfer.Progress, A>, state: {
  step: number
}) =>
  Effect.sync(() => {
    if (event._tag === "Done") {
      if (process.stdout.isTTY) process.stdout.write("\n")
      return
    }
    const { totalBytes, transferredBytes } = event.progress
    const ratio = totalBytes === undefined || totalBytes === 0 ? 1 : transferredBytes / totalBytes
    if (process.stdout.isTTY) {
      const width = 30
      const filled = Math.round(ratio * width)
      const rate = (event.bytesPerSecond / MiB).toFixed(1)
      process.stdout.write(
        `\r  ${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${rate} MiB/s`
      )
    } else if (Math.floor(ratio * 4) > state.step) {
      state.step = Math.floor(ratio * 4)
      process.stdout.write(`  ${label}: ${transferredBytes} / ${totalBytes ?? "?"} bytes (${state.step * 25}%)\n`)
    }
  })

/** Runs a transfer through `S3Transfer.watch`, showing its progress, and returns its result. */
const withProgressBar = <A, E, R>(
  label: string,
  run: (onProgress: (progress: S3Transfer.Progress) => Effect.Effect<void>) => Effect.Effect<A, E, R>
) => {
  const state = { step: 0 }
  return S3Transfer.watch(run).pipe(
    Stream.tap((event) => showProgress(label, event, state)),
    Stream.runLast,
    Effect.flatMap((last) =>
      last._tag === "Some" && last.value._tag === "Done"
        ? Effect.succeed(last.value.result)
        : Effect.dieMessage("no result")
    )
  )
}

/** SHA-256 of a byte stream, folded chunk by chunk. */
const digest = <E, R>(bytes: Stream.Stream<Uint8Array, E, R>) =>
  Stream.runFold(bytes, createHash("sha256"), (hash, chunk) => hash.update(chunk)).pipe(
    Effect.map((hash) => hash.digest("hex"))
  )

/** A presigned URL is a bearer credential: show where it points, never the signature. */
const describeUrl = (url: string) => {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}?… (expires in ${parsed.searchParams.get("X-Amz-Expires")} s)`
}

/** A presigned URL used with plain fetch failed (network error, refused connection). */
class FetchFailed extends Data.TaggedError("FetchFailed")<{ readonly url: string; readonly cause: unknown }> {
  override get message() {
    return `fetch failed for ${new URL(this.url).pathname}`
  }
}

const program = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const bucket = `effect-boto-transfers-${Date.now().toString(36)}`
  yield* s3.createBucket({ Bucket: bucket })
  yield* Console.log(`bucket ${bucket}`)

  // 1. upload_file: 20 MiB, above the 8 MiB threshold, so multipart with 8 MiB parts.
  const dir = yield* fs.makeTempDirectoryScoped({ prefix: "effect-boto-transfers-" })
  const file = path.join(dir, "data.bin")
  yield* fs.writeFile(file, randomBytes(20 * MiB))
  const uploaded = yield* withProgressBar("upload", (onProgress) =>
    S3Transfer.uploadFile({
      Bucket: bucket,
      Key: "data.bin",
      path: file,
      extraArgs: { ContentType: "application/octet-stream", Metadata: { source: "examples/transfers.ts" } },
      onProgress
    }))
  yield* Console.log(`uploaded ${uploaded.size} bytes in ${uploaded.parts} parts, ETag ${uploaded.ETag}`)

  // 2. download_fileobj, as a stream: one GET, or ranges run ahead of the consumer, bounded.
  const original = yield* digest(fs.stream(file))
  const downloaded = yield* digest(S3Transfer.download({ Bucket: bucket, Key: "data.bin" }))
  yield* Console.log(`download matches the file: ${downloaded === original}`)
  // download_file, resumable: an interrupted run leaves data.bin.partial for the next one.
  const copyBack = path.join(dir, "copy-back.bin")
  yield* S3Transfer.downloadFile({ Bucket: bucket, Key: "data.bin", path: copyBack, resume: true })
  yield* Console.log(`downloadFile matches the file: ${(yield* digest(fs.stream(copyBack))) === original}`)

  // 3. copy: CopyObject by default; with a lowered threshold, UploadPartCopy ranges in parallel.
  const copied = yield* S3Transfer.copy({
    CopySource: { Bucket: bucket, Key: "data.bin" },
    Bucket: bucket,
    Key: "copy.bin",
    config: { multipartCopyThreshold: 8 * MiB }
  })
  const copyHead = yield* s3.headObject({ Bucket: bucket, Key: "copy.bin" })
  yield* Console.log(
    `copied in ${copied.parts} parts; content type ${copyHead.ContentType}, metadata ${
      JSON.stringify(copyHead.Metadata)
    }`
  )

  // 4. generate_presigned_url and generate_presigned_post, used with plain fetch.
  yield* s3.putObject({ Bucket: bucket, Key: "hello.txt", Body: "hello from a presigned URL" })
  const getUrl = yield* S3Presign.getObject({ Bucket: bucket, Key: "hello.txt" }, { expiresIn: "5 minutes" })
  yield* Console.log(`presigned GET ${describeUrl(getUrl)}`)
  const body = yield* Effect.tryPromise({
    try: () => fetch(getUrl).then((response) => response.text()),
    catch: (cause) => new FetchFailed({ url: getUrl, cause })
  })
  yield* Console.log(`  fetched: ${body}`)

  const form = yield* S3Presign.post({
    Bucket: bucket,
    Key: "uploads/${filename}",
    Conditions: [["content-length-range", 0, MiB]],
    expiresIn: 300
  })
  const data = new FormData()
  for (const [name, value] of Object.entries(form.fields)) data.append(name, value)
  data.append("file", new Blob(["sent with a presigned POST form"]), "form.txt")
  const status = yield* Effect.tryPromise({
    try: () => fetch(form.url, { method: "POST", body: data }).then((r) => r.status),
    catch: (cause) => new FetchFailed({ url: form.url, cause })
  })
  const posted = yield* s3.headObject({ Bucket: bucket, Key: "uploads/form.txt" })
  yield* Console.log(`presigned POST answered ${status}; uploads/form.txt has ${posted.ContentLength} bytes`)

  // 5. Directories and sync (aws s3 cp --recursive / aws s3 sync; boto3 has none).
  const site = path.join(dir, "site")
  for (const name of ["index.html", "css/site.css", "img/logo.svg"]) {
    yield* fs.makeDirectory(path.dirname(path.join(site, name)), { recursive: true })
    yield* fs.writeFileString(path.join(site, name), `contents of ${name}`)
  }
  const up = yield* S3Transfer.uploadDirectory({ directory: site, Bucket: bucket, Prefix: "site" })
  yield* Console.log(`uploadDirectory: ${up.transferred.map((f) => f.key).join(", ")}`)
  yield* fs.writeFileString(path.join(site, "index.html"), "contents of index.html, edited")
  yield* fs.remove(path.join(site, "img"), { recursive: true })
  const plan = yield* S3Transfer.sync({
    from: { directory: site },
    to: { Bucket: bucket, Prefix: "site" },
    delete: true,
    dryRun: true
  })
  for (const action of plan.actions) {
    const what = action._tag === "Upload"
      ? `upload ${action.key} (${action.reason})`
      : action._tag === "DeleteObject"
      ? `delete ${action.key}`
      : action._tag
    yield* Console.log(`  sync would ${what}`)
  }
  const synced = yield* S3Transfer.sync({
    from: { directory: site },
    to: { Bucket: bucket, Prefix: "site" },
    delete: true
  })
  yield* Console.log(
    `sync: ${synced.transferred.length} uploaded, ${synced.deleted} deleted, ${synced.unchanged} unchanged`
  )
  const copy = path.join(dir, "copy")
  const down = yield* S3Transfer.downloadDirectory({ Bucket: bucket, Prefix: "site", directory: copy })
  yield* Console.log(`downloadDirectory: ${down.transferred.length} files, ${down.bytes} bytes`)

  // Clean up.
  for (const key of ["data.bin", "copy.bin", "hello.txt", "uploads/form.txt", "site/index.html", "site/css/site.css"]) {
    yield* s3.deleteObject({ Bucket: bucket, Key: key })
  }
  yield* s3.deleteBucket({ Bucket: bucket })
})

const MainLive = Layer.mergeAll(S3Client.layer, NodeContext.layer).pipe(Layer.provide(Session.defaultLayer))

program.pipe(Effect.scoped, Effect.provide(MainLive), NodeRuntime.runMain)
