import { isPublicAddress } from '../../../webhook-server/src/delivery/hookTarget';
import { HookSender } from '../../../webhook-server/src/delivery/sender';
import { testEngines } from '../../support/engines';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';

/** Addresses a hook must never reach, each as a URL host; the comment says what it is. */
const REFUSED: Array<[host: string, what: string]> = [
  // IPv4: loopback, private, link-local (cloud metadata), CGNAT, special and reserved
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback /8'],
  ['10.0.0.1', 'private 10/8'],
  ['172.16.0.1', 'private 172.16/12'],
  ['172.31.255.255', 'private 172.16/12 end'],
  ['192.168.0.1', 'private 192.168/16'],
  ['169.254.169.254', 'link-local: cloud metadata'],
  ['100.64.0.1', 'CGNAT'],
  ['100.127.255.254', 'CGNAT end'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'this network 0/8'],
  ['192.0.0.1', 'IETF protocol assignments'],
  ['192.0.2.1', 'TEST-NET-1'],
  ['198.51.100.1', 'TEST-NET-2'],
  ['203.0.113.1', 'TEST-NET-3'],
  ['198.18.0.1', 'benchmarking'],
  ['192.88.99.1', '6to4 relay anycast'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast SSDP'],
  ['240.0.0.1', 'reserved 240/4'],
  ['255.255.255.255', 'broadcast'],
  // IPv4 spelled the ways the URL parser normalises
  ['2130706433', 'loopback as one decimal number'],
  ['0x7f.1', 'loopback in hex'],
  ['0177.0.0.1', 'loopback in octal'],
  ['127.1', 'loopback shortened'],
  ['0xa9fea9fe', 'metadata in hex'],
  // IPv6: loopback, unspecified, link-local, unique-local, site-local, multicast
  ['[::1]', 'loopback'],
  ['[::]', 'unspecified'],
  ['[fe80::1]', 'link-local'],
  ['[febf::1]', 'link-local end'],
  ['[fc00::1]', 'unique-local'],
  ['[fd00:ec2::254]', 'unique-local: AWS metadata'],
  ['[fec0::1]', 'site-local (deprecated)'],
  ['[ff02::1]', 'multicast'],
  ['[ff05::1:3]', 'multicast site'],
  // IPv4-compatible ::/96 (the forms the attack run got through)
  ['[::a9fe:a9fe]', 'compatible: metadata'],
  ['[::127.0.0.1]', 'compatible: loopback dotted'],
  ['[::7f00:1]', 'compatible: loopback hex'],
  ['[::a00:1]', 'compatible: 10.0.0.1'],
  ['[::c0a8:1]', 'compatible: 192.168.0.1'],
  ['[::6440:1]', 'compatible: CGNAT'],
  ['[::808:808]', 'compatible: public 8.8.8.8 (deprecated form)'],
  ['[::1.2.3.4]', 'compatible: public dotted (deprecated form)'],
  // IPv4-mapped ::ffff:0:0/96
  ['[::ffff:127.0.0.1]', 'mapped: loopback'],
  ['[::ffff:7f00:1]', 'mapped: loopback hex'],
  ['[::ffff:a9fe:a9fe]', 'mapped: metadata'],
  ['[::ffff:10.0.0.1]', 'mapped: private'],
  ['[::ffff:192.168.1.1]', 'mapped: private'],
  ['[::ffff:0.0.0.0]', 'mapped: unspecified'],
  ['[0:0:0:0:0:ffff:7f00:1]', 'mapped: loopback, long form'],
  // SIIT ::ffff:0:0:0/96
  ['[::ffff:0:7f00:1]', 'SIIT: loopback'],
  ['[::ffff:0:a9fe:a9fe]', 'SIIT: metadata'],
  ['[::ffff:0:808:808]', 'SIIT: public'],
  // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
  ['[64:ff9b::7f00:1]', 'NAT64: loopback'],
  ['[64:ff9b::a9fe:a9fe]', 'NAT64: metadata'],
  ['[64:ff9b::10.0.0.1]', 'NAT64: private dotted'],
  ['[64:ff9b::c0a8:101]', 'NAT64: private'],
  ['[64:ff9b:1::a00:1]', 'local-use NAT64: private'],
  ['[64:ff9b:1::808:808]', 'local-use NAT64: public'],
  // 6to4 2002::/16
  ['[2002:7f00:1::]', '6to4: loopback'],
  ['[2002:a9fe:a9fe::]', '6to4: metadata'],
  ['[2002:a00:1::1]', '6to4: private'],
  ['[2002:808:808::1]', '6to4: public (needs a relay)'],
  // Teredo 2001::/32 (server, then client XOR 0xffffffff)
  ['[2001:0:7f00:1::]', 'Teredo: loopback server'],
  ['[2001:0:808:808:0:0:80ff:fefe]', 'Teredo: loopback client'],
  ['[2001:0:808:808:0:0:5601:5656]', 'Teredo: metadata client'],
  ['[2001:0:4136:e378:8000:63bf:3fff:fdd2]', 'Teredo: public (needs a relay)'],
  // IPv6 special ranges inside and outside 2000::/3
  ['[2001:db8::1]', 'documentation'],
  ['[3fff::1]', 'documentation (RFC 9637)'],
  ['[2001:2::1]', 'benchmarking'],
  ['[2001:10::1]', 'ORCHID (deprecated)'],
  ['[2001:20::1]', 'ORCHIDv2'],
  ['[2001:1::1]', 'IETF protocol assignments'],
  ['[2001:3::1]', 'AMT'],
  ['[2001:4:112::1]', 'AS112'],
  ['[2620:4f:8000::1]', 'AS112 direct delegation'],
  ['[100::1]', 'discard-only'],
  ['[5f00::1]', 'segment routing SIDs'],
  ['[4000::1]', 'unassigned (outside 2000::/3)'],
  ['[8000::1]', 'unassigned'],
  ['[e000::1]', 'unassigned'],
  ['[::2]', 'reserved ::/8'],
  ['[1::1]', 'reserved 0000::/8 neighbour'],
  ['[400::1]', 'reserved 0400::/6'],
  ['[fe00::1]', 'reserved fe00::/9'],
  // names that resolve to loopback
  ['localhost', 'name resolving to loopback'],
  ['LOCALHOST', 'name resolving to loopback, upper case'],
];

/** Public unicast addresses that must stay usable (checked without a connection). */
const ALLOWED = [
  '93.184.215.14',
  '8.8.8.8',
  '1.1.1.1',
  '2606:4700:4700::1111',
  '2a00:1450:4001:82b::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
];

const secret = `whsec_${Buffer.from('0123456789abcdef01234567').toString('base64')}`;

describe('SSRF address policy', () => {
  test(`when the table is read, then it holds the ${REFUSED.length} forms the hook checks refuse`, () => {
    expect(new Set(REFUSED.map(([host]) => host)).size).toBe(REFUSED.length);
  });

  test.each(ALLOWED)('when the address is the public %s, then it is allowed', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  describe('at connect', () => {
    let sender: HookSender;
    beforeAll(() => {
      sender = new HookSender({ timeoutMs: 2000, allowPrivateHookUrls: false, connectionsPerOrigin: 2 });
    });
    afterAll(() => sender.close());

    test.each(REFUSED)(
      'when a delivery goes to %s (%s), then the sender refuses to connect',
      async (host) => {
        const result = await sender.send(`https://${host}:9/hook`, secret, 'evt_1', '[]');
        expect(result.statusCode).toBeUndefined();
        expect(result.error).toContain('not a public address');
      },
    );
  });
});

describe.each(testEngines())('SSRF at subscribe on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server);
  });
  afterAll(() => server.stop());

  test(`when each of the ${REFUSED.length} forms is subscribed, then each is a 400 naming hookUrl and none is stored`, async () => {
    const accepted: string[] = [];
    for (const [host, what] of REFUSED) {
      const res = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
        apiKey: tenant.apiKey,
        body: { hookUrl: `https://${host}/latest/meta-data/`, triggerName: 'minutes_low' },
      });
      if (res.status !== 400 || res.body.details?.[0]?.field !== 'hookUrl')
        accepted.push(`${host} (${what})`);
    }
    expect(accepted).toStrictEqual([]);
    const list = await api(server, 'GET', '/v1/api/events-gateway/trigger/subscriptions', {
      apiKey: tenant.apiKey,
    });
    expect(list.body.data).toStrictEqual([]);
  });

  test('when a public IP literal is subscribed, then it is accepted', async () => {
    const res = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: { hookUrl: 'https://[2606:4700:4700::1111]/hook', triggerName: 'minutes_low' },
    });
    expect(res.status).toBe(201);
  });
});
