import type { ProfileRun, StopSignal } from './profileOptions';

/**
 * Requests closer together than this are one request seen twice: `timeout` and supervisors
 * signal a whole process group (the CLI gets the same stop twice at once), a double click.
 */
export const SAME_REQUEST_MS = 100;

/**
 * Turns the user's repeated stop requests (signals to the CLI, the editor's Stop button) into
 * what they mean: the first stops the program (its grace period starts), the second kills it
 * at once; any later one is 'again' (the caller decides). A request within SAME_REQUEST_MS of
 * the last one counted is 'repeat' and does nothing.
 */
export function stopRequests(run: Pick<ProfileRun, 'stop' | 'kill'>, now: () => number = () => performance.now()) {
  let count = 0;
  let lastAt = -Infinity;
  return (signal: StopSignal = 'SIGINT'): 'stop' | 'kill' | 'again' | 'repeat' => {
    const t = now();
    if (t - lastAt < SAME_REQUEST_MS) return 'repeat';
    lastAt = t;
    count++;
    if (count === 1) { run.stop(signal); return 'stop'; }
    if (count === 2) { run.kill(); return 'kill'; }
    return 'again';
  };
}

