// Zapier loads the app from index.js next to package.json; the TypeScript sources compile into
// dist/ (see tsconfig.json: `npm run connector:build` from the repository root).
module.exports = require('./dist/connector/zapier/src/index.js').default;
