/** Browser stand-in for node:stream as src/sources/csv.ts uses it: Readable.from(iterable).pipe(sink). */
interface Sink {
  write(chunk: string): boolean;
  end(): void;
  destroy?(error: Error): void;
  once?(event: 'drain', listener: () => void): unknown;
}

export class Readable {
  private constructor(private readonly source: AsyncIterable<string>) {}

  static from(source: AsyncIterable<string>): Readable {
    return new Readable(source);
  }

  pipe<T extends Sink>(sink: T): T {
    void (async () => {
      try {
        for await (const chunk of this.source) {
          if (!sink.write(chunk) && sink.once) await new Promise<void>((resolve) => sink.once!('drain', resolve));
        }
        sink.end();
      } catch (e) {
        sink.destroy?.(e as Error);
      }
    })();
    return sink;
  }
}
