/** minutes_low fires below 10% of the plan's included minutes unless the subscription says otherwise. */
export function defaultThresholdMinutes(includedMinutes: number): number {
  return Math.max(1, Math.ceil(includedMinutes / 10));
}
