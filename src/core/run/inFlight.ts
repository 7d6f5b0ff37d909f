import type { CallOptions, ChatModel, ChatRequest, ChatResponse, ChatStreamPart } from '../llm/chatModel';

/**
 * Counts a model's calls in flight, so the runner can let the calls a stopped step had
 * already sent finish (and be metered and journaled) before it writes `done`: when one
 * call of a parallel batch is refused by a budget cap, its siblings are already on the
 * wire, and their cost belongs in the report.
 */
export class InFlightTracker {
  private count = 0;
  private waiters: (() => void)[] = [];

  wrap<M extends ChatModel>(model: M): M {
    const enter = () => {
      this.count++;
    };
    const leave = () => {
      this.count--;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    };
    const wrapped: ChatModel = {
      id: model.id,
      label: model.label,
      async complete(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
        enter();
        try {
          return await model.complete(request, options);
        } finally {
          leave();
        }
      },
      async *stream(request: ChatRequest, options?: CallOptions): AsyncGenerator<ChatStreamPart> {
        enter();
        try {
          yield* model.stream(request, options);
        } finally {
          leave();
        }
      },
    };
    return Object.assign(Object.create(model) as M, wrapped);
  }

  get inFlight(): number {
    return this.count;
  }

  /** Resolves when no call is in flight, or after `timeoutMs` (a hung call must not hang the run's end). */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }
}
