import type { AccountRow } from '../../db/schema';
import { findAccountByEmail } from '../accounts';
import type { Db } from '../db';
import { hashPassword, verifyPassword } from '../secrets';

let unknownAccountHash: Promise<string> | undefined;

/**
 * The account whose admin signs in with these credentials, or undefined. An unknown email costs the
 * same scrypt work as a wrong password, so timing does not tell which emails have accounts.
 */
export async function verifyAdminCredentials(
  db: Db,
  email: string,
  password: string,
): Promise<AccountRow | undefined> {
  const account = await findAccountByEmail(db, email);
  if (!account) {
    unknownAccountHash ??= hashPassword('no account has this password');
    await verifyPassword(password, await unknownAccountHash);
    return undefined;
  }
  return (await verifyPassword(password, account.password_hash)) ? account : undefined;
}
