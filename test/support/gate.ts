/**
 * Holds back a fake repository's reads, to test what happens while a load is under way: the fake
 * awaits pass() after taking its snapshot; close() makes later passes wait until the function it
 * returns is called.
 */
export class Gate {
  private held: Promise<void> | null = null;

  async pass(): Promise<void> {
    if (this.held) await this.held;
  }

  close(): () => void {
    let open!: () => void;
    this.held = new Promise((resolve) => { open = resolve; });
    return () => { this.held = null; open(); };
  }
}
