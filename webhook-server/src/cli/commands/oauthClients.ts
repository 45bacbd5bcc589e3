import type { Command } from 'commander';
import { systemClock } from '../../domain/clock';
import { createOAuthClient } from '../../domain/oauth/clients';
import type { CommandContext } from '../context';

export function registerOAuthClientCommands(program: Command, { storage, print }: CommandContext): void {
  program
    .command('oauth-clients')
    .description('Manage OAuth2 clients (Zapier, Make, GHL)')
    .command('create')
    .description('Register an OAuth2 client; its secret is printed once')
    .requiredOption('--name <name>', 'app name shown on the consent page')
    .requiredOption(
      '--redirect-uri <uri>',
      'exact redirect URI (https; http only for localhost); repeat for several',
      (uri: string, previous: string[] = []) => [...previous, uri],
    )
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; redirectUri: string[]; json?: boolean }) => {
      const client = await storage.use((s) =>
        createOAuthClient(s.db, systemClock, { name: opts.name, redirectUris: opts.redirectUri }),
      );
      print(
        !!opts.json,
        {
          clientId: client.id,
          clientSecret: client.clientSecret,
          name: client.name,
          redirectUris: client.redirectUris,
          createdAt: client.createdAt,
        },
        `Registered ${client.name}.\n  client_id:     ${client.id}\n  client_secret: ${client.clientSecret} (shown once)`,
      );
    });
}
