// One loaded run of a bench server (bench/workloads/server-*.js): start `node args`, wait for its
// LISTENING <port> line, load it with autocannon (in this process, loopback, 20 connections), then
// SIGINT it (a profiled run writes its report). Shared by bench/servers.mjs and bench/serverCpuSplit.mjs.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ROOT } from './timedRun.mjs';

const autocannon = createRequire(import.meta.url)('autocannon');

/**
 * Runs `node args` in the repository with `env`, loads it for `seconds` with `load` (autocannon
 * options beyond url, connections and duration); `hooks.listening(child)` runs just before the
 * load starts and `hooks.loaded(child)` as soon as it ended (before the SIGINT). Resolves with
 * autocannon's result once the server exited; rejects if it exits before the load ended, or is
 * still alive 120 s past the load (SIGKILL then).
 */
export function loadServer(name, args, env, seconds, load, hooks = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', started = false, result = null;
    const watchdog = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} timed out\n${err.slice(-2000)}`)); }, 120_000 + seconds * 1000);
    child.stderr.on('data', (c) => { err += c; });
    child.stdout.on('data', (c) => {
      out += c;
      const m = /LISTENING (\d+)/.exec(out);
      if (!m || started) return;
      started = true;
      hooks.listening?.(child);
      autocannon({ url: `http://127.0.0.1:${m[1]}`, connections: 20, duration: seconds, ...load }, (e, r) => {
        if (e) { child.kill('SIGKILL'); reject(e); return; }
        hooks.loaded?.(child);
        result = r;
        child.kill('SIGINT');
      });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (!result) { reject(new Error(`${name}: exited ${code ?? signal} before the load ended\n${err.slice(-2000)}`)); return; }
      resolvePromise(result);
    });
  });
}
