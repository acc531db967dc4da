/**
 * `npm run bench`'s floor: V8's CPU profiler alone, in every node process and thread of a program
 * as the recorder profiles them (launchers are not profiled; the CLI's base interval), without
 * anything of ours: no probe, no socket, no CDP client, no recorder, no analysis. Preloaded
 * through NODE_OPTIONS (bench/lib/floorPreload.mjs bundles it), it opens an inspector connection
 * of the thread's own, in process (the binding `node:inspector`'s Session uses, and the probe's
 * way of telling which thread it is, recorder/probe/thread.ts: a main thread loads neither that
 * module nor worker_threads), starts the profiler, and at the thread's exit stops it and writes
 * the profile to a file, as `node --cpu-prof` does: what any tool built
 * on V8's profiler costs the program. (`--cpu-prof` itself is not allowed in NODE_OPTIONS on Node 20, and
 * npm, npx and spawn() do not pass it on.) A thread whose exit handlers do not run writes none, as
 * with `--cpu-prof`: a worker ended by terminate(), a process a signal ends (vitest's forks, which
 * its pool SIGTERMs); what profiling it cost until then is counted.
 *
 * Environment: CL_BENCH_FLOOR_DIR (where profiles go: `<pid>-<threadId>.cpuprofile`; unset: the
 * preload does nothing), CL_BENCH_FLOOR_INTERVAL_US (sampling interval; default: the CLI's).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launcherName } from '../../analyzer/launchers';
import { DEFAULT_SAMPLING_US } from '../../recorder/launcher/profileCollector';
import { isMainThread, threadId } from '../../recorder/probe/thread';

interface Connection { dispatch(message: string): void; disconnect(): void }
interface Reply { id: number; result?: any; error?: { message: string } }
type ConnectionClass = new (onMessage: (message: string) => void) => Connection;

const dir = process.env.CL_BENCH_FLOOR_DIR;
const intervalUs = Number(process.env.CL_BENCH_FLOOR_INTERVAL_US) || DEFAULT_SAMPLING_US;

if (dir && !(isMainThread && launcherName(process.argv, true))) profileUntilExit(dir);

function profileUntilExit(into: string): void {
  const last: { reply?: Reply } = {};
  const { Connection } = (process as any).binding('inspector') as { Connection: ConnectionClass };
  const connection = new Connection((message) => { const m = JSON.parse(message); if (m.id !== undefined) last.reply = m; });
  let id = 0;
  // In process, a command is answered before dispatch returns.
  const post = (method: string, params: object = {}): any => {
    last.reply = undefined;
    connection.dispatch(JSON.stringify({ id: ++id, method, params }));
    const reply = last.reply as Reply | undefined; // set by the callback, during dispatch
    if (reply?.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply?.result;
  };
  post('Profiler.enable');
  post('Profiler.setSamplingInterval', { interval: intervalUs });
  post('Profiler.start');
  process.on('exit', () => {
    const { profile } = post('Profiler.stop');
    fs.writeFileSync(path.join(into, `${process.pid}-${threadId}.cpuprofile`), JSON.stringify(profile));
    connection.disconnect();
  });
}
