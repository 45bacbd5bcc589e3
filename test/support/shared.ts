/** The project's shared/ folder when this run has it (decided once in globalSetup), else null. */
export const sharedDir: string | null = process.env.ATLAS_TEST_SHARED || null;

/** `describe` when ../shared is here, `describe.skip` otherwise (globalSetup printed why, once). */
export const describeWithShared: jest.Describe = sharedDir ? describe : describe.skip;
