import { perform, UPDATE_ACCOUNT_DETAILS } from '../../../connector/src/creates/update_account_details';
import { accountExample } from '../../../connector/src/examples';
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
      'Nothing to update: fill in at least one of Company Name, Admin Name, Admin Email or Profile Picture URL.',
    );
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
