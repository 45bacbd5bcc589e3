import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { parseDuration } from './delivery/config';
import { readInteger, type Env } from './envVars';

/**
 * What one process lets a client hold open. The proxy in front should enforce its own (see
 * docs/security.md); these keep a directly exposed process, or one behind a proxy that forwards
 * slow clients, from running out of file descriptors.
 */
export interface ConnectionLimits {
  /** A client must finish sending its headers within this (HTTP_HEADERS_TIMEOUT). */
  headersTimeoutMs: number;
  /** ...and its whole request, body included, within this (HTTP_REQUEST_TIMEOUT). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; above a load balancer's idle timeout. */
  keepAliveTimeoutMs: number;
  /** Requests served on one keep-alive connection before it is closed (0: no limit). */
  maxRequestsPerSocket: number;
  /** Open connections of the process; more are closed at once (HTTP_MAX_CONNECTIONS). */
  maxConnections: number;
  /** Open connections from one client address (0: off, the default behind a proxy). */
  maxConnectionsPerAddress: number;
}

function durationMs(env: Env, name: string, fallback: string, problems: string[]): number {
  const raw = env[name] || fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    problems.push(`${name} must be a duration such as ${fallback} or 500ms (got "${raw}")`);
    return parseDuration(fallback) ?? 1000;
  }
  return ms;
}

/**
 * Reads the HTTP_* limits. Behind a proxy every connection comes from the proxy's address, so the
 * per-address cap is off unless set; exposed directly, one address may hold 256 connections
 * (Zapier and Make call from a few shared egress addresses).
 */
export function loadConnectionLimits(env: Env, trustProxy: boolean, problems: string[]): ConnectionLimits {
  const limits: ConnectionLimits = {
    headersTimeoutMs: durationMs(env, 'HTTP_HEADERS_TIMEOUT', '10s', problems),
    requestTimeoutMs: durationMs(env, 'HTTP_REQUEST_TIMEOUT', '30s', problems),
    keepAliveTimeoutMs: durationMs(env, 'HTTP_KEEP_ALIVE_TIMEOUT', '65s', problems),
    maxRequestsPerSocket: readInteger(env, 'HTTP_MAX_REQUESTS_PER_SOCKET', 1000, 0, 1_000_000, problems),
    maxConnections: readInteger(env, 'HTTP_MAX_CONNECTIONS', 4096, 1, 1_000_000, problems),
    maxConnectionsPerAddress: readInteger(
      env,
      'HTTP_MAX_CONNECTIONS_PER_ADDRESS',
      trustProxy ? 0 : 256,
      0,
      1_000_000,
      problems,
    ),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    problems.push('HTTP_HEADERS_TIMEOUT must not be longer than HTTP_REQUEST_TIMEOUT');
  return limits;
}

/** An HTTP server for the app that enforces the limits. */
export function createLimitedServer(app: RequestListener, limits: ConnectionLimits): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts on this interval (30 s by default, longer than they are).
      connectionsCheckingInterval: Math.max(250, Math.min(1000, limits.headersTimeoutMs / 4)),
    },
    app,
  );
  server.maxConnections = limits.maxConnections;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  if (limits.maxConnectionsPerAddress > 0) capPerAddress(server, limits.maxConnectionsPerAddress);
  return server;
}

/** Closes a connection at once when its address already holds `cap` open ones. */
function capPerAddress(server: Server, cap: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= cap) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
