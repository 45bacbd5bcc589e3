import type { MessageEventReport } from '../../../schemas/generated/types';
import type { Clock } from './clock';
import type { Db } from './db';
import { inTransaction } from './db';
import { AppError } from './errors';
import { recordEvent } from './events';
import { findCampaignRow } from './campaigns';

export interface MessageReportResult {
  messageId: string;
  accountId: string;
  applied: boolean;
}

/** Records a message the platform sent or received, once per messageId, with its event. */
export async function reportMessageEvent(
  db: Db,
  clock: Clock,
  report: MessageEventReport,
): Promise<MessageReportResult> {
  return inTransaction(db, async (trx) => {
    const campaign = await findCampaignRow(trx, report.campaignId);
    if (!campaign) {
      throw new AppError(
        422,
        `No campaign ${report.campaignId}. Report messages with the id of an existing campaign.`,
        [{ field: 'campaignId', message: 'does not exist' }],
      );
    }
    const accountId = campaign.account_id;
    const channel = report.channel ?? 'sms';
    const inserted = await trx
      .insertInto('messages')
      .values({
        id: report.messageId,
        account_id: accountId,
        campaign_id: campaign.id,
        direction: report.type === 'message_received' ? 'received' : 'sent',
        phone_number: report.phoneNumber,
        channel,
        body: report.body,
        occurred_at: report.occurredAt,
        created_at: clock.now().toISOString(),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0)
      return { messageId: report.messageId, accountId, applied: false };
    await recordEvent(trx, clock, {
      accountId,
      campaignId: campaign.id,
      triggerName: report.type,
      data: {
        messageId: report.messageId,
        campaignId: campaign.id,
        phoneNumber: report.phoneNumber,
        customerName: report.customerName ?? null,
        channel,
        body: report.body,
        occurredAt: report.occurredAt,
      },
    });
    return { messageId: report.messageId, accountId, applied: true };
  });
}
