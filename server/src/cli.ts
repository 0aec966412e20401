/**
 * The `assay` command line. `assay worker` loads the worker alone, which needs only REDIS_URL
 * and none of the database code; every other command loads the whole program (cli/program.ts).
 */
if (process.argv[2] === "worker") {
  const { runWorkerCli } = await import("./cli/worker-command.js");
  await runWorkerCli(process.argv);
} else {
  await import("./cli/program.js");
}

export {};
