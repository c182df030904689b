/** What a person chose on Ctrl-C while watching. */
export type InterruptChoice = 'cancel' | 'detach' | 'continue';

/**
 * Asks on the terminal whether Ctrl-C means cancelling the run or just
 * stopping to watch, reading one key: `c` cancels, `w` keeps watching, anything
 * else (Enter, `s`, Ctrl-C again) stops watching and leaves the run going.
 */
export function askOnInterrupt(runId: string, input: NodeJS.ReadStream, out: NodeJS.WriteStream): Promise<InterruptChoice> {
  out.write(`\nCtrl-C: [c] cancel run ${runId}   [s] stop watching (the run goes on)   [w] keep watching  `);
  return new Promise((resolve) => {
    input.setRawMode?.(true);
    input.resume();
    input.once('data', (chunk: Buffer) => {
      input.setRawMode?.(false);
      input.pause();
      const key = chunk.toString('utf8').toLowerCase();
      const choice: InterruptChoice = key === 'c' ? 'cancel' : key === 'w' ? 'continue' : 'detach';
      out.write(`${choice === 'cancel' ? 'cancelling…' : choice === 'continue' ? 'watching' : 'stopped watching'}\n`);
      resolve(choice);
    });
  });
}
