import type { PlanChangedEvent } from '../../../../schemas/generated/types';
import { eventExamples } from '../examples';
import { envelopeOutput, envelopeOutputFields, hookTrigger } from './hook-trigger';

export const PLAN_CHANGED = 'plan_changed';

export const toOutput = (event: PlanChangedEvent) => ({
  ...envelopeOutput(event),
  previousPlanId: event.data.previousPlan.id,
  previousPlanName: event.data.previousPlan.name,
  planId: event.data.plan.id,
  planName: event.data.plan.name,
  direction: event.data.direction,
  effectiveAt: event.data.effectiveAt,
});

const hook = hookTrigger({
  key: PLAN_CHANGED,
  noun: 'Plan Change',
  label: 'Plan Changed',
  description: 'Triggers when the account is upgraded, downgraded, canceled or reactivated.',
  toOutput,
  sampleEvent: eventExamples.plan_changed,
  outputFields: [
    ...envelopeOutputFields,
    { key: 'previousPlanId', label: 'Previous Plan ID', type: 'string' },
    { key: 'previousPlanName', label: 'Previous Plan', type: 'string' },
    { key: 'planId', label: 'New Plan ID', type: 'string' },
    { key: 'planName', label: 'New Plan', type: 'string' },
    { key: 'direction', label: 'Direction (upgrade, downgrade, cancel, reactivate)', type: 'string' },
    { key: 'effectiveAt', label: 'Effective At', type: 'datetime' },
  ],
});

export const { perform, performList, performSubscribe, performUnsubscribe } = hook;
export default hook.trigger;
