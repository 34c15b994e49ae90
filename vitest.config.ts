import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    // One moto server serves every file; files run one after another so that a reset in one
    // file never wipes the state another file is using.
    fileParallelism: false,
    testTimeout: 30_000,
    // The type-level assertions (expectTypeOf, @ts-expect-error) of these files are checked by
    // tsc as part of the run, besides running them; a type error anywhere in test/ fails the run.
    typecheck: {
      enabled: true,
      include: ["test/client-types.test.ts"],
      tsconfig: "test/tsconfig.json"
    },
    hookTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true"
    }
  }
})
