import { testEngines } from '../../support/engines';
import { installAndLink, openInstallCallback } from '../../support/ghlInstall';
import { GHL_SHARED_SECRET, type GhlStandIn } from '../../support/ghlStandIn';
import { startGhlTestBed, stopGhlTestBed } from '../../support/ghlTestBed';
import { postFromGhl } from '../../support/ghlWorkflow';
import { api, createTenant, type Tenant, type TestServer } from '../../support/server';

describe.each(testEngines())('GHL workflow actions on %s', (engine) => {
  let server: TestServer;
  let standIn: GhlStandIn;
  let tenant: Tenant;

  beforeAll(async () => {
    ({ server, standIn, tenant } = await startGhlTestBed(engine, {}, 'loc_act'));
    standIn.addContact({
      id: 'ct_jordan',
      locationId: 'loc_act',
      firstName: 'Jordan',
      lastName: 'Lee',
      email: 'jordan@example.com',
      phone: '+1 415 555 0123',
      tags: ['lead', 'website'],
      customFields: [{ id: 'cf_service', value: 'cleaning' }],
    });
    standIn.addContact({ id: 'ct_nophone', locationId: 'loc_act', firstName: 'Nadia' });
  });
  afterAll(() => stopGhlTestBed({ server, standIn }));

  const action = (key: string, data: Record<string, unknown>, extras: Record<string, unknown> = {}) => {
    return postFromGhl(server, `/integrations/ghl/actions/${key}`, {
      data,
      extras: { locationId: 'loc_act', workflowId: 'wf_calls', ...extras },
      meta: { key, version: '1.0' },
    });
  };
  const callsOf = async (t: Tenant) =>
    (await api(server, 'GET', '/v1/api/calls', { apiKey: t.apiKey })).body.data;

  test('when Start a Call runs with only a contactId, then the contact is fetched and the call placed and enriched', async () => {
    const res = await action(
      'atlas_start_call',
      { campaignId: tenant.campaign.id },
      { contactId: 'ct_jordan' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toStrictEqual({
      callId: expect.stringMatching(/^call_/),
      status: 'queued',
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      customerName: 'Jordan Lee',
      contactId: 'ct_jordan',
      createdAt: expect.any(String),
    });
    expect(standIn.contactReads).toContain('ct_jordan');
    const call = await api(server, 'GET', `/v1/api/calls/${res.body.callId}`, { apiKey: tenant.apiKey });
    expect(call.body.parameters).toStrictEqual({
      ghl_contact_id: 'ct_jordan',
      ghl_first_name: 'Jordan',
      ghl_last_name: 'Lee',
      ghl_name: 'Jordan Lee',
      ghl_email: 'jordan@example.com',
      ghl_tags: 'lead, website',
      ghl_cf_cf_service: 'cleaning',
    });
  });

  test('when GHL sends the same execution again, then the same call is answered and no second call is placed', async () => {
    const before = (await callsOf(tenant)).length;
    const data = { campaignId: tenant.campaign.id, reference: 'form-submission-77' };
    const first = await action('atlas_start_call', data, { contactId: 'ct_jordan' });
    const again = await action('atlas_start_call', data, { contactId: 'ct_jordan' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.callId).toBe(first.body.callId);
    const other = await action(
      'atlas_start_call',
      { ...data, reference: 'form-submission-78' },
      { contactId: 'ct_jordan' },
    );
    expect(other.body.callId).not.toBe(first.body.callId);
    expect((await callsOf(tenant)).length).toBe(before + 2);
  });

  test('when overrides are given without a contact, then they are used; without a phone, 422 says what to map', async () => {
    const res = await action('atlas_start_call', {
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550999',
      customerName: 'Walk In',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ phoneNumber: '+14155550999', customerName: 'Walk In', contactId: null });
    const noPhone = await action(
      'atlas_start_call',
      { campaignId: tenant.campaign.id },
      { contactId: 'ct_nophone' },
    );
    expect(noPhone.status).toBe(422);
    expect(noPhone.body.message).toMatch(/contact has no phone number/);
    const unknown = await action(
      'atlas_start_call',
      { campaignId: tenant.campaign.id },
      { contactId: 'ct_missing' },
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/ct_missing was not found/);
    const badPhone = await action('atlas_start_call', { campaignId: tenant.campaign.id, phoneNumber: '555' });
    expect(badPhone.status).toBe(400);
  });

  test('when Buy Extra Minutes runs twice for one execution, then minutes are bought once', async () => {
    const data = { blocks: 1, reference: 'opp-1' };
    const first = await action('atlas_buy_extra_minutes', data);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'succeeded',
      blocks: 1,
      minutes: 1000,
      purchaseId: expect.any(String),
    });
    const again = await action('atlas_buy_extra_minutes', data);
    expect(again.body.purchaseId).toBe(first.body.purchaseId);
    const usage = await api(server, 'GET', '/v1/api/usage', { apiKey: tenant.apiKey });
    expect(usage.body.extraMinutes).toBe(1000);
    expect((await action('atlas_buy_extra_minutes', { blocks: 0 })).status).toBe(422);
  });

  test('when Update Account and Cancel Call run, then they answer flat objects for custom variables', async () => {
    const updated = await action('atlas_update_account', { companyName: 'Jordan Dental', adminName: '' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ accountId: tenant.account.id, companyName: 'Jordan Dental' });
    const started = await action(
      'atlas_start_call',
      { campaignId: tenant.campaign.id, reference: 'to-cancel' },
      { contactId: 'ct_jordan' },
    );
    const canceled = await action('atlas_cancel_call', { callId: started.body.callId });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({
      callId: started.body.callId,
      status: 'canceled',
      contactId: 'ct_jordan',
    });
  });

  test("when an action names another account's call or campaign, then 404 / 422 and nothing of theirs changes", async () => {
    const other = await createTenant(server);
    const theirCall = await api(server, 'POST', '/v1/api/calls', {
      apiKey: other.apiKey,
      body: { campaignId: other.campaign.id, phoneNumber: '+14155550111' },
    });
    const cancel = await action('atlas_cancel_call', { callId: theirCall.body.id });
    expect(cancel.status).toBe(404);
    const read = await api(server, 'GET', `/v1/api/calls/${theirCall.body.id}`, { apiKey: other.apiKey });
    expect(read.body.status).not.toBe('canceled');
    const campaign = await action('atlas_start_call', {
      campaignId: other.campaign.id,
      phoneNumber: '+14155550112',
    });
    expect(campaign.status).toBe(422);
    expect(await callsOf(other)).toHaveLength(1);
  });

  test('when the location is not linked, the secret is wrong or the action unknown, then a clear 4xx', async () => {
    await openInstallCallback(server, standIn, 'loc_act_unlinked');
    const unlinked = await action(
      'atlas_start_call',
      { campaignId: tenant.campaign.id },
      { locationId: 'loc_act_unlinked', contactId: 'ct_jordan' },
    );
    expect(unlinked.status).toBe(403);
    const wrongSecret = await postFromGhl(
      server,
      '/integrations/ghl/actions/atlas_start_call',
      { data: {}, extras: { locationId: 'loc_act' } },
      'nope',
    );
    expect(wrongSecret.status).toBe(401);
    const unknown = await action('atlas_fly', {});
    expect(unknown.status).toBe(404);
    const malformed = await postFromGhl(server, '/integrations/ghl/actions/atlas_start_call', { data: 'x' });
    expect(malformed.status).toBe(400);
  });

  test('when GHL refuses the location token and its refresh, then 502 says to retry or reinstall and no call is placed', async () => {
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_act_dead',
    );
    standIn.addContact({ id: 'ct_dead', locationId: 'loc_act_dead', phone: '+14155550177' });
    const before = (await callsOf(tenant)).length;
    standIn.revokeLocationTokens('loc_act_dead');
    const res = await action(
      'atlas_start_call',
      { campaignId: tenant.campaign.id },
      { locationId: 'loc_act_dead', contactId: 'ct_dead' },
    );
    expect(res.status).toBe(502);
    expect(res.body.message).toMatch(/reinstall the Atlas app/);
    expect((await callsOf(tenant)).length).toBe(before);
  });

  test('when GHL loads the campaign dropdown, then it gets the linked account’s campaigns as options', async () => {
    const res = await api(server, 'GET', '/integrations/ghl/options/campaigns?locationId=loc_act', {
      headers: { 'x-atlas-secret': GHL_SHARED_SECRET },
    });
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual({ options: [{ label: tenant.campaign.name, value: tenant.campaign.id }] });
    const missing = await api(server, 'GET', '/integrations/ghl/options/campaigns', {
      headers: { 'x-atlas-secret': GHL_SHARED_SECRET },
    });
    expect(missing.status).toBe(400);
    expect((await api(server, 'GET', '/integrations/ghl/options/campaigns?locationId=loc_act')).status).toBe(
      401,
    );
  });
});
