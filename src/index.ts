// Public API of mediator-jobs: explicit named exports only.
export {};
