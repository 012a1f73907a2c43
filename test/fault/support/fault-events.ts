/** What the fault run did to the cluster and when (ms since the epoch, this machine's clock). */
export type FaultEvent =
  | { readonly kind: 'kill' | 'exit'; readonly instance: string; readonly at: number }
  /** A server process died on its own: always a failure of the run. */
  | { readonly kind: 'crash'; readonly instance: string; readonly at: number; readonly detail: string }
  | { readonly kind: 'terminate'; readonly at: number; readonly backends: number; readonly listeners: number }
  | { readonly kind: 'database-restart'; readonly at: number; readonly until: number };

export class FaultEvents {
  readonly all: FaultEvent[] = [];

  add(event: FaultEvent): void {
    this.all.push(event);
  }

  count(kind: FaultEvent['kind']): number {
    return this.all.filter((event) => event.kind === kind).length;
  }
}
