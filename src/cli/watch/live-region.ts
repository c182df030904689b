/**
 * A block of lines redrawn in place at the bottom of a terminal: each update
 * moves the cursor back to the block's first line and rewrites every line in
 * one write (clearing each first), so the screen neither flickers nor scrolls.
 */
export class LiveRegion {
  private drawn = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** Replaces the block with `lines` (each must fit the terminal's width). */
  update(lines: string[]): void {
    let frame = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    for (const line of lines) frame += `\x1b[2K${line}\n`;
    // A shorter block than the last one: clear what is left below it.
    if (lines.length < this.drawn) frame += '\x1b[0J';
    this.out.write(`\x1b[?25l${frame}\x1b[?25h`);
    this.drawn = lines.length;
  }

  /** Forgets the block, so later output goes below it. */
  release(): void {
    this.drawn = 0;
  }
}
