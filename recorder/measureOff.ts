/**
 * Measurement-only switches (bench/probeCost.mjs): `CONCURRENCY_LENS_MEASURE_OFF=a,b,…` turns
 * off one mechanism of the recording at a time, to measure what each costs the running program.
 * Never set in normal use; a recording made with any switch on is incomplete by design.
 *
 *   recorder: `chunks` (no profile chunk rotation: one chunk, collected at the end),
 *             `tracing` (no thread-pool trace events), `carriers` (our ACKs ride on no-op commands,
 *             not on carrier bytes: launcher/frameCarrier.ts), `ownSeams` (a worker's chunks are
 *             rotated by the recorder every pace, whether its probe made a seam itself or not),
 *             `signalSeams` (no seam in a child process before its parent's kill() of it: the
 *             kill() still waits for the recorder's round trip)
 *   probe:    `instrument` (user files not instrumented), `fsSync` (sync fs calls not wrapped),
 *             `http` (no request recording nor its task marks),
 *             `ticks` (no lag timer, hence no periodic flush), `flush` (flush only at exit),
 *             `instrumentCache` (instrumented files, and TypeScript the probe transpiles, not
 *             kept across runs: each run parses and transpiles them), `inThreadHooks` (our
 *             ES-module hooks are module.register's on every Node, as before module.registerHooks),
 *             `exitSeam` (a worker's probe does not end its last chunk at exit: it waits for the
 *             recorder to collect it, a round trip through its process's main thread)
 *   CLI:      `youngGenGrowth` (the CLI's young generation grows as V8's default: cli/youngGeneration.ts)
 *             `tierUp` (the CLI's code tiers up at V8's default budgets: cli/tierUp.ts)
 */
export const MEASURE_OFF_ENV = 'CONCURRENCY_LENS_MEASURE_OFF';

export function measureOff(what: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[MEASURE_OFF_ENV];
  return !!v && v.split(',').includes(what);
}
