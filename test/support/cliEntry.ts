// Runs the operator CLI from source in a child process (node --import tsx), as bin/atlas-connect.js runs the build.
import { main } from '../../webhook-server/src/cli';

// A test's child must not outlive the test run: when its jest worker dies without stopping it (a
// timeout, a force exit), it is handed to another parent and would otherwise keep serving, polling
// a dropped schema and loading the machine for every later run. A killed child is what the crash
// tests start anyway.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, 1000).unref();

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
