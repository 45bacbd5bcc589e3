// Runs the operator CLI from source in a child process (node --import tsx), as bin/atlas-connect.js runs the build.
import { main } from '../../webhook-server/src/cli';

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
