import { isPublicAddress } from '../../../webhook-server/src/delivery/hookTarget';
import { HookSender } from '../../../webhook-server/src/delivery/sender';
import { Receiver } from '../../support/receiver';

describe('hook targets', () => {
  test.each([
    ['93.184.215.14', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fe80::1', false],
    ['fd00:ec2::254', false],
    ['::ffff:10.0.0.1', false],
    ['64:ff9b::a00:1', false],
    ['not an ip', false],
  ])('when the address is %s, then public is %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  describe('at connect time', () => {
    let receiver: Receiver;
    let sender: HookSender;
    beforeAll(async () => {
      receiver = await Receiver.start();
      sender = new HookSender({ timeoutMs: 2000, allowPrivateHookUrls: false, connectionsPerOrigin: 2 });
    });
    afterAll(async () => {
      await sender.close();
      await receiver.close();
    });

    const secret = `whsec_${Buffer.from('0123456789abcdef01234567').toString('base64')}`;

    test('when a hook URL is a private IP literal, then the sender refuses to connect', async () => {
      const result = await sender.send(`${receiver.url}/x`, secret, 'evt_1', '[]');
      expect(result.statusCode).toBeUndefined();
      expect(result.error).toContain('not a public address');
      expect(receiver.requests).toHaveLength(0);
    });

    test('when a host name resolves to loopback, then the sender refuses to connect', async () => {
      const port = new URL(receiver.url).port;
      const result = await sender.send(`http://localhost:${port}/x`, secret, 'evt_1', '[]');
      expect(result.error).toContain('not a public address');
      expect(receiver.requests).toHaveLength(0);
    });
  });
});
