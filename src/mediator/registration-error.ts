/**
 * Why a `MediatorRegistry` refused a registration. Nothing is registered when
 * an error is returned. Every variant carries a readable `message`.
 *
 * - `DuplicateHandler`: the request type already has a different handler.
 * - `DuplicateRequestTypeName`: another request (or notification) class already
 *   uses this stable type name, so persisted jobs could not tell them apart.
 * - `MissingHandlesDecorator`: a class given alone has no `@handles` /
 *   `@handlesNotification` decorator.
 * - `InvalidRegistration`: not a request class, not a handler, or no type name.
 */
export type RegistrationError =
  | {
      readonly kind: 'DuplicateHandler';
      readonly requestType: string;
      readonly existing: string;
      readonly attempted: string;
      readonly message: string;
    }
  | {
      readonly kind: 'DuplicateRequestTypeName';
      readonly requestType: string;
      readonly existing: string;
      readonly attempted: string;
      readonly message: string;
    }
  | { readonly kind: 'MissingHandlesDecorator'; readonly handler: string; readonly message: string }
  | { readonly kind: 'InvalidRegistration'; readonly message: string };
