import type { TestProject } from "vitest/node"
import { startMoto } from "./motoServer.js"

declare module "vitest" {
  export interface ProvidedContext {
    motoUrl: string
  }
}

export default async function setup(project: TestProject) {
  const moto = await startMoto()
  project.provide("motoUrl", moto.url)
  return async () => {
    await moto.stop()
  }
}
