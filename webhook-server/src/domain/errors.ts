export interface FieldProblem {
  field: string;
  message: string;
}

/** An error a client caused or must hear about: carries the HTTP status and a message saying what to do. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: FieldProblem[]) => new AppError(400, message, details);
export const notFound = (message: string) => new AppError(404, message);
export const conflict = (message: string, details?: FieldProblem[]) => new AppError(409, message, details);
