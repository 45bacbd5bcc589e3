import {
  perform,
  UPDATE_ACCOUNT_DETAILS,
} from '../../../../connector/zapier/src/creates/update_account_details';
import { accountExample } from '../../../../connector/zapier/src/examples';
import { appTester, atlas, authData, caught, parsedErrorMessage, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

describe(UPDATE_ACCOUNT_DETAILS, () => {
  it('when some fields are filled, then only those are sent', async () => {
    const updated = {
      ...accountExample,
      companyName: 'Acme Dental Group',
      adminEmail: 'ops@acme-dental.example',
    };
    atlas()
      .patch('/v1/api/account', { companyName: 'Acme Dental Group', adminEmail: 'ops@acme-dental.example' })
      .reply(200, updated);
    const result = await appTester(perform, {
      authData,
      inputData: { companyName: 'Acme Dental Group', adminName: '', adminEmail: 'ops@acme-dental.example' },
    });
    expect(result).toStrictEqual(updated);
  });

  it('when nothing is filled, then it explains instead of sending an empty update', async () => {
    const error = await caught(appTester(perform, { authData, inputData: {} }));
    expect(parsedErrorMessage(error).message).toBe(
      'Nothing to update: fill in at least one of Company Name, Admin Name, Admin Email or Profile Picture URL, or choose Remove Profile Picture.',
    );
  });

  it.each([true, 'yes', 'true'])(
    'when Remove Profile Picture is %p, then the picture is sent as null even if a URL is mapped too',
    async (remove) => {
      const updated = { ...accountExample, profilePictureUrl: null };
      atlas().patch('/v1/api/account', { profilePictureUrl: null }).reply(200, updated);
      const result = await appTester(perform, {
        authData,
        // A mapped boolean reaches perform as the text "yes"/"true"; the field's type says boolean.
        inputData: {
          removeProfilePicture: remove as boolean,
          profilePictureUrl: 'https://cdn.example/p.png',
        },
      });
      expect(result).toStrictEqual(updated);
    },
  );

  it('when Remove Profile Picture is no, then nothing about the picture is sent', async () => {
    atlas().patch('/v1/api/account', { companyName: 'Acme' }).reply(200, accountExample);
    await appTester(perform, {
      authData,
      inputData: { companyName: 'Acme', removeProfilePicture: 'no' as unknown as boolean },
    });
  });

  it('when the access token has expired, then Zapier is asked to refresh it', async () => {
    atlas().patch('/v1/api/account', { adminName: 'Dana' }).reply(401, {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'The access token has expired.',
    });
    const error = await caught(appTester(perform, { authData, inputData: { adminName: 'Dana' } }));
    expect(error.name).toBe('RefreshAuthError');
  });
});
