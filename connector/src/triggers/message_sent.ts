import { eventExamples } from '../examples';
import { messageTrigger } from './message-trigger';

export const MESSAGE_SENT = 'message_sent';

const hook = messageTrigger({
  key: MESSAGE_SENT,
  label: 'Message Sent',
  description: 'Triggers when a campaign’s AI agent sends a contact a message (SMS or WhatsApp).',
  sampleEvent: eventExamples.message_sent,
});

export const { perform, performList, performSubscribe, performUnsubscribe } = hook;
export default hook.trigger;
