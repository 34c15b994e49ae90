/**
 * The backends a conformance suite runs its cases on: moto (a real HTTP peer) and the in-memory
 * layer. A suite iterates `s3Backends()` (IAM: the same pattern with its own list) and runs every
 * case on each, so both answer the same cases.
 */
import { S3Client } from "@effect-boto/s3"
import * as Layer from "effect/Layer"
import { motoSession } from "./session.js"

export interface Backend<I> {
  readonly name: "moto" | "memory"
  readonly layer: Layer.Layer<I>
}

/** S3 on moto (through a Session) and in memory (no Session). */
export const s3Backends = (motoUrl?: string): ReadonlyArray<Backend<S3Client.S3Client>> => [
  {
    name: "moto",
    layer: S3Client.layer.pipe(
      Layer.provide(motoSession(motoUrl !== undefined ? { endpointUrl: motoUrl } : {})),
      Layer.orDie
    )
  },
  { name: "memory", layer: S3Client.layerMemory }
]
