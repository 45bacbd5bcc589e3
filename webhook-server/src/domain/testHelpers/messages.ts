import { randomUUID } from 'node:crypto';
import type { TestMessageRequest } from '../../../../schemas/generated/types';
import { listCampaigns, requireCampaignOfAccount } from '../campaigns';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db';
import { AppError } from '../errors';
import { reportMessageEvent, type MessageReportResult } from '../messages';

const SAMPLE_BODY: Record<TestMessageRequest['type'], string> = {
  message_received: 'Hi, can I move my appointment to Thursday?',
  message_sent: 'Sure: you are booked for Thursday at 10:00.',
};

/**
 * Test helper: a message report for the caller's account, applied by the same code as the calling
 * platform's (so its event is real and delivered), with sample values for what the request omits.
 */
export async function reportTestMessage(
  db: Db,
  clock: Clock,
  accountId: string,
  request: TestMessageRequest,
): Promise<MessageReportResult> {
  return inTransaction(db, async (trx) => {
    let campaignId = request.campaignId;
    if (campaignId) await requireCampaignOfAccount(trx, accountId, campaignId);
    else {
      const [oldest] = await listCampaigns(trx, accountId, 1);
      if (!oldest) {
        throw new AppError(
          422,
          'This account has no campaign yet: messages belong to one. Create a campaign first.',
          [{ field: 'campaignId', message: 'no campaign in this account' }],
        );
      }
      campaignId = oldest.id;
    }
    return reportMessageEvent(trx, clock, {
      type: request.type,
      messageId: `msg_test_${randomUUID()}`,
      campaignId,
      phoneNumber: request.phoneNumber ?? '+14155550100',
      ...(request.customerName !== undefined ? { customerName: request.customerName } : {}),
      channel: request.channel ?? 'sms',
      body: request.body ?? SAMPLE_BODY[request.type],
      occurredAt: clock.now().toISOString(),
    });
  });
}
