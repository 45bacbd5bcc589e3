import http from 'node:http';
import https from 'node:https';
import { restorePristineHttp } from './pristineHttp';

// Before anything else: no interceptor an earlier file of this worker left behind (see pristineHttp.ts).
restorePristineHttp();

/*
 * zapier-platform-core's handler (appTester, createAppHandler) wraps http.request and https.request
 * for its request logging, once per process, keeping the function it found as "the original". Jest
 * runs many test files in one worker process: a file that runs the handler without nock (the app
 * validation test, the end-to-end tests) leaves a wrapper around the real http.request behind, and
 * the nock of every later file in that worker then stops intercepting (requests go out to the
 * network). Marking the modules as already patched keeps the logging wrapper out of all tests;
 * it only logs, and z.request does not go through it anyway.
 */
for (const module of [http, https]) Object.assign(module, { patchedByZapier: true });
