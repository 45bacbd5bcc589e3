import { eventExamples } from '../examples';
import { messageTrigger } from './message-trigger';

export const MESSAGE_RECEIVED = 'message_received';

const hook = messageTrigger({
  key: MESSAGE_RECEIVED,
  label: 'Message Received',
  description: 'Triggers when a contact sends a message (SMS or WhatsApp) to a campaign.',
  sampleEvent: eventExamples.message_received,
});

export const { perform, performList, performSubscribe, performUnsubscribe } = hook;
export default hook.trigger;
