/**
 * A handler held at a gate the test opens: it records the job id of each run,
 * ignores its signal (as a handler finishing its work during a stop does) and
 * answers 'done' once the gate is open.
 */
export interface Gate {
  /** The job id of every run, in the order they started. */
  readonly runs: string[];
  open(): void;
  readonly handler: { handle(request: unknown, context: { job?: { jobId: string } }): Promise<string> };
}

export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const runs: string[] = [];
  return {
    runs,
    open: () => open(),
    handler: {
      async handle(_request, context) {
        runs.push(context.job?.jobId ?? '?');
        await opened;
        return 'done';
      },
    },
  };
}
