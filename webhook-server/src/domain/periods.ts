/**
 * Billing periods are calendar months anchored on the day the account started (or Stripe's
 * period). A day the month lacks (the 31st in April) falls on the month's last day.
 */
export function addMonthsUtc(anchor: Date, months: number): Date {
  const year = anchor.getUTCFullYear();
  const month = anchor.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(anchor.getUTCDate(), lastDay),
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/**
 * The end of a calendar period that starts at `start`: the first whole month counted from
 * `anchor` that falls strictly after `start`. Counting from the anchor rather than from the
 * previous end keeps the day (Jan 31 → Feb 28 → Mar 31), where chaining would lose it for good.
 */
export function nextPeriodEnd(anchor: Date, start: Date): Date {
  const monthsApart =
    (start.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + start.getUTCMonth() - anchor.getUTCMonth();
  // The anchor's day in start's own month is either after start or not; the month after always is.
  const sameMonth = addMonthsUtc(anchor, Math.max(0, monthsApart));
  return sameMonth > start ? sameMonth : addMonthsUtc(anchor, Math.max(0, monthsApart) + 1);
}
