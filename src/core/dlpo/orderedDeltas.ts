/**
 * Streams the text of parallel calls in a fixed order: lane 0's deltas go out live;
 * a later lane's deltas are held until every earlier lane has finished, then flushed.
 * Live feedback for the user, and the same event sequence on every run whatever order
 * the calls complete in (determinism of the journal).
 */
export class OrderedDeltas {
  private current = 0;
  private readonly buffers: string[][];
  private readonly finished: boolean[];

  constructor(
    private readonly lanes: number,
    private readonly emit: (text: string) => void,
  ) {
    this.buffers = Array.from({ length: lanes }, () => []);
    this.finished = Array.from({ length: lanes }, () => false);
  }

  sink(lane: number): (text: string) => void {
    return (text: string) => {
      if (text === '') return;
      if (lane === this.current) this.emit(text);
      else this.buffers[lane].push(text);
    };
  }

  finish(lane: number): void {
    this.finished[lane] = true;
    while (this.current < this.lanes && this.finished[this.current]) {
      this.current++;
      if (this.current < this.lanes) {
        for (const t of this.buffers[this.current]) this.emit(t);
        this.buffers[this.current] = [];
      }
    }
  }
}
