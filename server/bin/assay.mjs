#!/usr/bin/env node
// The `assay` command of a built server (`pnpm build` compiles src/ to dist/, which is not committed).
await import("../dist/cli.js");
