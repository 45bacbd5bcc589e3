import { randomBytes } from 'node:crypto';
import type { Account } from '../../../schemas/generated/types';
import { updateAccount } from './accounts';
import type { Clock } from './clock';
import { inTransaction, type Db } from './db';
import { AppError, badRequest } from './errors';

export const MAX_PICTURE_BYTES = 2 * 1024 * 1024;

export type PictureType = 'image/png' | 'image/jpeg' | 'image/webp';

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

/**
 * The image type the bytes themselves declare (their signature), whatever the upload's name or
 * Content-Type said: an HTML page called photo.png is no image here.
 */
export function pictureTypeOf(bytes: Buffer): PictureType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF <size> WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return 'image/webp';
  return undefined;
}

export const tooLarge = () =>
  new AppError(413, 'The picture is larger than 2 MB. Choose a smaller PNG, JPEG or WebP image.', [
    { field: 'picture', message: 'must be at most 2 MB' },
  ]);

/**
 * Stores the account's profile picture (replacing any earlier one) and points profilePictureUrl at
 * its own URL, in one transaction, so account_updated is emitted exactly as a PATCH would.
 */
export async function saveProfilePicture(
  db: Db,
  clock: Clock,
  accountId: string,
  bytes: Buffer,
  urlOf: (pictureId: string) => string,
): Promise<Account> {
  if (bytes.length === 0)
    throw badRequest('Choose a picture file to upload.', [{ field: 'picture', message: 'is required' }]);
  if (bytes.length > MAX_PICTURE_BYTES) throw tooLarge();
  const contentType = pictureTypeOf(bytes);
  if (!contentType) {
    throw badRequest(
      'The file is not a PNG, JPEG or WebP image. Choose an image file of one of those types.',
      [{ field: 'picture', message: 'must be a PNG, JPEG or WebP image' }],
    );
  }
  const id = `pic_${randomBytes(18).toString('base64url')}`;
  return inTransaction(db, async (trx) => {
    await trx.deleteFrom('profile_pictures').where('account_id', '=', accountId).execute();
    await trx
      .insertInto('profile_pictures')
      .values({
        id,
        account_id: accountId,
        content_type: contentType,
        bytes,
        byte_size: bytes.length,
        created_at: clock.now().toISOString(),
      })
      .execute();
    return updateAccount(trx, clock, accountId, { profilePictureUrl: urlOf(id) });
  });
}

/** Removes the picture: the stored bytes go and profilePictureUrl becomes null. */
export async function removeProfilePicture(db: Db, clock: Clock, accountId: string): Promise<Account> {
  return inTransaction(db, async (trx) => {
    await trx.deleteFrom('profile_pictures').where('account_id', '=', accountId).execute();
    return updateAccount(trx, clock, accountId, { profilePictureUrl: null });
  });
}

/**
 * A stored picture, while it is still its account's picture: once profilePictureUrl points
 * elsewhere (a PATCH through the API), the old URL serves nothing.
 */
export async function findProfilePicture(
  db: Db,
  pictureId: string,
): Promise<{ contentType: string; bytes: Buffer } | undefined> {
  const row = await db
    .selectFrom('profile_pictures as p')
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['p.content_type', 'p.bytes', 'a.profile_picture_url'])
    .where('p.id', '=', pictureId)
    .executeTakeFirst();
  if (!row || !row.profile_picture_url?.endsWith(`/${pictureId}`)) return undefined;
  return { contentType: row.content_type, bytes: Buffer.from(row.bytes) };
}
