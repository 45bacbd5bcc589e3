'use strict';
// Names this jest run, so its PostgreSQL test schemas (t_<run>_…) can be dropped together at the end.
module.exports = async () => {
  process.env.ATLAS_TEST_RUN = process.env.ATLAS_TEST_RUN || Date.now().toString(36);
};
