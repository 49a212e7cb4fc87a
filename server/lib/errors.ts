/**
 * One error type with a stable code, mapped to application/problem+json by one middleware
 * (STYLE.md habit 4). Never a 200 with an {error} body; never a stack trace to a client.
 */
export interface ErrorDetail {
  /** The field, element id or path the problem is about. */
  field?: string;
  element?: string;
  reason: string;
  /** A sentence for people (form field errors: "Phone: must be a valid phone number"). */
  message?: string;
  line?: number;
  column?: number;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends AppError {
  constructor(code: string, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
    super(400, code, message, details, extra);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'Authentication required') {
    super(401, 'UNAUTHENTICATED', message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'Not allowed', code = 'FORBIDDEN') {
    super(403, code, message);
  }
}

export class NotFound extends AppError {
  constructor(what: string, id?: string) {
    super(404, 'NOT_FOUND', id === undefined ? `${what} not found` : `${what} ${id} not found`);
  }
}

export class Conflict extends AppError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super(409, code, message, [], extra);
  }
}

export class TooLarge extends AppError {
  constructor(message: string) {
    super(413, 'PAYLOAD_TOO_LARGE', message);
  }
}
