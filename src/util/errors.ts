/**
 * Base class for errors alertrouter raises on purpose. `code` is stable (tests and API
 * answers key on it); the message says what, where, what was seen and what was wanted.
 */
export class AlertrouterError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
