/**
 * Where the files that ship beside the program's code are (data sets, the panel's static files,
 * worker and helper entry points, and the repository's prisma/ and apps/web/ folders), found from
 * this module's own place. It sits at the top of src/ when run from the sources (tsx, vitest) and
 * its code at the top of dist/ in the build (`pnpm build` bundles the program into dist/cli.js,
 * and scripts/copy-assets.mjs keeps every file's place below src/ the same below dist/). A
 * module's own import.meta.url would not do: in the bundle, every module has the bundle's.
 */
export const CODE_DIR = new URL("./", import.meta.url);

/** A file shipped beside the code, by its path below src/ (or dist/). */
export function codeFile(path: string): URL {
  return new URL(path, CODE_DIR);
}
