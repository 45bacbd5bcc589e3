import type { AccountUpdate, PlanId } from '../../../schemas/generated/types';
import { AppError } from '../domain/errors';
import { PLANS, isPlanId } from '../domain/plans';
import { parseBody } from '../input/schemaValidation';

const OPTION_OF_FIELD: Record<string, string> = {
  companyName: '--company',
  adminName: '--admin-name',
  adminEmail: '--email',
};

/** Checks account options with the API's own schema, reporting problems by option name. */
export function validateAccountOptions(fields: AccountUpdate): void {
  try {
    parseBody<AccountUpdate>('AccountUpdate.json', fields);
  } catch (err) {
    if (!(err instanceof AppError) || !err.details) throw err;
    const details = err.details.map((d) => ({
      field: OPTION_OF_FIELD[d.field] ?? d.field,
      message: d.message,
    }));
    throw new AppError(
      400,
      `Invalid options: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}.`,
      details,
    );
  }
}

export const PLAN_CHOICES = PLANS.map((p) => p.id).join(', ');

export function requirePlan(plan: string): PlanId {
  if (!isPlanId(plan)) throw new AppError(400, `--plan must be one of ${PLAN_CHOICES} (got "${plan}").`);
  return plan;
}
