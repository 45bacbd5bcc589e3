import type { Engine } from '../../webhook-server/src/db/storage';
import { installAndLink } from './ghlInstall';
import { GhlStandIn } from './ghlStandIn';
import { createTenant, startTestServer, type Tenant, type TestServer } from './server';

export interface GhlTestBed {
  server: TestServer;
  standIn: GhlStandIn;
  tenant: Tenant;
}

/** The GHL stand-in, the server configured for it, and a tenant (whose admin links `linkLocation`). */
export async function startGhlTestBed(
  engine: Engine,
  env: Record<string, string> = {},
  linkLocation?: string,
): Promise<GhlTestBed> {
  const standIn = await GhlStandIn.start();
  const server = await startTestServer(engine, { ...standIn.env(), ...env });
  const tenant = await createTenant(server);
  if (linkLocation)
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      linkLocation,
    );
  return { server, standIn, tenant };
}

export async function stopGhlTestBed(bed: Partial<GhlTestBed>): Promise<void> {
  await bed.server?.stop();
  await bed.standIn?.close();
}
