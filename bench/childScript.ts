// How the bench starts its other processes (the receiver, worker processes, the API server): as
// compiled JavaScript when the bench itself runs compiled (`npm run bench*`, from dist/bench-run),
// as TypeScript through tsx when it runs from source (`npx tsx bench/…`, for quick changes).
import path from 'node:path';

const compiled = path.extname(__filename) === '.js';

/** The file and Node flags that start the bench script `name` (without extension) beside this one. */
export function childScript(name: string): { file: string; execArgv: string[] } {
  return compiled
    ? { file: path.join(__dirname, `${name}.js`), execArgv: [] }
    : { file: path.join(__dirname, `${name}.ts`), execArgv: ['--import', 'tsx'] };
}
