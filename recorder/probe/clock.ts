/**
 * The probe's clocks and its timers, as Node made them: captured as the probe loads, before any
 * program code runs. A program's fake timers replace the globals: vitest's `vi.useFakeTimers()`
 * fakes `performance`, `process.hrtime`, `Date` and the timers by default (sinon's and jest's
 * can too), and a probe that read them then would stamp the program's work with the fake time
 * and its lag timer would wait for the test to advance the clock. (The attach agent captures
 * them when it is injected: a fake installed before then is what it gets.)
 */
const hrtime = process.hrtime;

/** The whole second of hrtime's clock the probe loaded in: the probe clock's origin. */
const originS = hrtime()[0];

/**
 * The probe's clock: ms since `originS`, read from `process.hrtime()` (CLOCK_MONOTONIC, as
 * performance.now() reads it). Not performance.now(): the first read of `globalThis.performance`
 * loads perf_hooks and its modules (~2 ms and ~160 kB of young-generation garbage in every thread,
 * which a thread that never uses it would not pay). Records carry it with an anchor on the
 * CLOCK_MONOTONIC µs clock (`hello.perfAnchor`, `hello.hrAnchorUs`), so only its differences
 * matter. Seconds are subtracted before the sum: the value keeps hrtime's ns.
 */
export const now = (): number => {
  const t = hrtime();
  return (t[0] - originS) * 1e3 + t[1] / 1e6;
};

/** setTimeout: the probe's lag timer. */
export const ownSetTimeout = setTimeout;

/**
 * process.nextTick: the probe's ticks (what times an HTTP handler's synchronous run, a spawn's
 * record). Fake timers fake it only when asked to (vitest's `toFake: ['nextTick']`, in its
 * threads pool).
 */
export const ownNextTick = process.nextTick;

/**
 * CLOCK_MONOTONIC in whole µs: the clock of `process.hrtime` (libuv's uv_hrtime), which the
 * recorder reads in its own process too (hrAnchorUs, SeamReading).
 *
 * Safe to read from code the recorder runs in a thread by `Runtime.evaluate` (the profile chunk
 * rotation, the attach agent), which V8 may run as an interrupt between any two of the program's
 * calls. `process.hrtime.bigint()` is not: Node keeps both forms' result in one scratch buffer
 * (lib/internal/process/per_thread.js: `hrValues`, a Uint32Array(3) of seconds high, seconds
 * low and ns; `hrBigintValues`, a BigUint64Array over its first 8 bytes), and the program's
 * `process.hrtime(time)` fills it, then calls `validateArray(time)`, then reads it. A bigint read
 * in between leaves its 8 bytes where the program reads seconds, and the program's elapsed time
 * comes out ~10¹⁹ s (autocannon's latency histogram trapped on it: "float unrepresentable in
 * integer range"). `process.hrtime()` writes the layout the program reads, a moment later: its
 * elapsed time then includes the interrupt, as it does anyway.
 */
export function monotonicUs(): number {
  const [s, ns] = hrtime();
  return s * 1e6 + Math.floor(ns / 1e3);
}

/**
 * The hello record's anchors, `now()` and `monotonicUs()` of one instant: from one clock reading.
 * Read one after the other, whatever ran between them (the first call's compilation: ~45–85 µs;
 * the thread descheduled on a loaded machine, or a recorder command run as an interrupt: 4.3 ms
 * once) shifted every time the probe recorded against the CPU samples by that much: a /fast
 * request's own window then held samples of the /cpu handler that began after it, and the route's
 * handler was named at roundTrip's line (cli/servers.test.mjs, CI).
 */
export function clockAnchors(): { perfAnchor: number; hrAnchorUs: number } {
  const [s, ns] = hrtime();
  return { perfAnchor: (s - originS) * 1e3 + ns / 1e6, hrAnchorUs: s * 1e6 + Math.floor(ns / 1e3) };
}
