import { Transform, TransformCallback } from 'node:stream';

/** How many leading bytes the content type is sniffed from (file-type reads at most this many for the formats it knows). */
export const SNIFF_BYTES = 4100;

/**
 * Passes an upload through while it streams: counts its bytes (failing with `tooLarge()` past
 * `maxBytes`, so nothing more is written), and holds back only the first SNIFF_BYTES until
 * `decide(head)` has judged them (sniffed the type, refused a kind the app does not take).
 */
export class UploadInspector extends Transform {
  bytes = 0;
  private head: Buffer[] = [];
  private headLength = 0;
  private decided = false;

  constructor(
    private readonly maxBytes: number,
    private readonly tooLarge: () => Error,
    private readonly decide: (head: Buffer) => Promise<void>,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(this.tooLarge());
    if (this.decided) return done(null, chunk);
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) return done();
    this.release(done);
  }

  override _flush(done: TransformCallback): void {
    if (this.decided) return done();
    this.release(done);
  }

  private release(done: TransformCallback): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    this.decided = true;
    this.decide(head).then(() => done(null, head), (error: Error) => done(error));
  }
}
