/**
 * Turns many concurrent single calls into few batched ones without adding
 * latency: the first call is flushed at once; calls arriving while a flush is
 * in flight wait and go together in the next one. Under load batches grow by
 * themselves; when idle every call goes alone and immediately.
 */
export class Coalescer<In, Out> {
  private pending: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    /** Handles a batch; must return one output per input, in order. */
    private readonly flush: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const outputs = await this.flush(batch.map((entry) => entry.item));
        batch.forEach((entry, index) => entry.resolve(outputs[index] as Out));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.flushing = false;
  }
}
