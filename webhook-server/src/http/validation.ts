// Route modules validate bodies with the contract's schemas; the CLI uses the same module, input/.
export { parseBody, problemsOf, SCHEMA_BASE, validatorFor } from '../input/schemaValidation';
