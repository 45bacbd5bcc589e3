import type { Command } from 'commander';
import type { Account, EventEnvelope } from '../../../../schemas/generated/types';
import { newSigningSecret } from '../../domain/hooks/subscriptions';
import { isTriggerName, TRIGGER_NAMES } from '../../domain/hooks/samples';
import { ApiClient, serverOptionsOf } from '../apiClient';
import type { CommandContext } from '../context';
import { CliError } from '../errors';
import { eventLine } from '../listen/eventLine';
import { followEventStream } from '../listen/eventStreamClient';
import { Forwarder } from '../listen/forwarder';

interface ListenOptions {
  server?: string;
  apiKey?: string;
  trigger: string[];
  forwardTo?: string;
  secret?: string;
  json?: boolean;
}

/** `listen`: the account's events in the terminal as they happen, and forwarded, signed, to a local URL. */
export function registerListenCommand(program: Command, { io }: CommandContext): void {
  program
    .command('listen')
    .description("Stream the account's events to the terminal (like `stripe listen`); Ctrl-C stops")
    .option('--server <url>', 'the running server (default $ATLAS_URL, else http://localhost:3000)')
    .option('--api-key <key>', "the account's API key (default $ATLAS_API_KEY)")
    .option(
      '--trigger <name>',
      `only this trigger; repeat for several (${TRIGGER_NAMES.join(', ')})`,
      (name: string, previous: string[]) => [...previous, name],
      [] as string[],
    )
    .option('--forward-to <url>', 'POST each event to this URL, signed with Standard Webhooks headers')
    .option('--secret <whsec>', 'sign forwards with this secret instead of a new one')
    .option('--json', 'print each event as its full JSON envelope, one per line')
    .action(async (opts: ListenOptions) => {
      const unknown = opts.trigger.filter((name) => !isTriggerName(name));
      if (unknown.length)
        throw new CliError(`Unknown trigger "${unknown[0]}"; use one of ${TRIGGER_NAMES.join(', ')}.`);
      if (opts.forwardTo && !/^https?:\/\/[^/]/.test(opts.forwardTo))
        throw new CliError(`--forward-to must be an http(s) URL such as http://localhost:4242/hook.`);
      if (opts.secret !== undefined && !/^whsec_[A-Za-z0-9+/]+=*$/.test(opts.secret))
        throw new CliError('--secret must be a Standard Webhooks secret (whsec_ and base64).');
      const { server, apiKey } = serverOptionsOf(opts, io);
      const client = new ApiClient(server, apiKey);
      const account = await client.request<Account>({ method: 'GET', url: '/v1/api/account' });
      const forwarder = opts.forwardTo
        ? new Forwarder(opts.forwardTo, opts.secret ?? newSigningSecret())
        : undefined;

      const stop = new AbortController();
      const stopListening = io.onInterrupt?.(() => stop.abort()) ?? (() => undefined);
      // Status lines go to stderr, so --json output stays one envelope per line.
      const status = (text: string) => io.err(text);
      try {
        await followEventStream(
          client,
          opts.trigger,
          {
            onOpen: (reconnected) => {
              if (reconnected) return status('Reconnected; missed events follow.');
              const only = opts.trigger.length ? opts.trigger.join(', ') : 'all triggers';
              status(`Ready! Streaming ${only} of ${account.companyName} (${account.id}) from ${server}.`);
              if (forwarder)
                status(
                  `Forwarding to ${forwarder.url}; your webhook signing secret is ${forwarder.secret} (Ctrl-C to stop).`,
                );
              else status('Ctrl-C to stop.');
            },
            onEvent: async (data) => {
              const event = JSON.parse(data) as EventEnvelope;
              io.out(opts.json ? data : eventLine(event));
              if (!forwarder) return;
              const answer = await forwarder.forward(event.id, data);
              if (opts.json) status(answer);
              else io.out(answer);
            },
            onReconnecting: (reason) => status(`Connection lost (${reason}); reconnecting…`),
          },
          stop.signal,
        );
      } finally {
        stopListening();
      }
      status('Stopped.');
    });
}
