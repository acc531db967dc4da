import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { monotonicUs, now, clockAnchors, ownSetTimeout, ownNextTick } from './clock';
import { profileChunker } from './threadGauges';

/**
 * Runs `read` where an inspector interrupt can run inside the program's `process.hrtime(time)`:
 * after Node filled its scratch buffer, before it reads it (it checks `time` in between; a
 * proxy's `length` runs there). Returns the elapsed ms the program gets.
 */
function elapsedMsAround(read: () => unknown): number {
  const start = process.hrtime();
  const time = new Proxy(start, { get: (target, key) => { if (key === 'length') read(); return Reflect.get(target, key); } });
  const [s, ns] = process.hrtime(time as unknown as [number, number]);
  return s * 1e3 + ns / 1e6;
}

describe('monotonicUs', () => {
  it("leaves the program's process.hrtime(time) whole when read inside it (the recorder's evaluations run as interrupts)", () => {
    assert.ok(elapsedMsAround(() => process.hrtime()) < 10_000, 'the window is where the test puts it');
    const ms = elapsedMsAround(monotonicUs);
    assert.ok(ms >= 0 && ms < 10_000, `elapsed ${ms} ms`);
  });
  it("the chunk rotation's seam reading leaves it whole too", () => {
    const chunk = profileChunker({ profile() {}, profileEnd() {} }, () => 0);
    const ms = elapsedMsAround(() => chunk(1, 1));
    assert.ok(ms >= 0 && ms < 10_000, `elapsed ${ms} ms`);
  });
  it("the probe clock (now) leaves it whole too, and runs at the same rate as CLOCK_MONOTONIC", async () => {
    const ms = elapsedMsAround(now);
    assert.ok(ms >= 0 && ms < 10_000, `elapsed ${ms} ms`);
    // Each read of now() bracketed by two of the monotonic clock (whole µs): the time between the
    // two reads of now() lies between the brackets' inner and outer spans, however late a read runs.
    const bracket = () => { const before = monotonicUs(); const t = now(); return { before, t, after: monotonicUs() }; };
    const a = bracket();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const b = bracket();
    const elapsed = b.t - a.t;
    assert.ok(elapsed >= (b.before - a.after - 1) / 1000 && elapsed <= (b.after - a.before + 1) / 1000, `now ${elapsed} ms; monotonic ${(b.before - a.after) / 1000}–${(b.after - a.before) / 1000} ms`);
  });
  it('is process.hrtime.bigint() in µs (the recorder reads that in its own process)', () => {
    const before = Number(process.hrtime.bigint() / 1000n);
    const us = monotonicUs();
    const after = Number(process.hrtime.bigint() / 1000n);
    assert.ok(Number.isInteger(us) && us >= before && us <= after, `${before} <= ${us} <= ${after}`);
  });
  it("keeps Node's clocks and timers when the program fakes the globals (fake timers)", async () => {
    const real = { performance: globalThis.performance, hrtime: process.hrtime, setTimeout: globalThis.setTimeout, nextTick: process.nextTick };
    const faked: string[] = [];
    let ticked: Promise<void>, timedOut: Promise<void>;
    const before = now(), beforeUs = Number(process.hrtime.bigint() / 1000n);
    // Only scheduled while faked, awaited after: the test runner needs the real ones meanwhile.
    Object.defineProperty(globalThis, 'performance', { value: { now: () => 0 }, configurable: true, writable: true });
    process.hrtime = Object.assign(() => [0, 0] as [number, number], { bigint: () => 0n });
    globalThis.setTimeout = ((() => { faked.push('setTimeout'); }) as unknown) as typeof setTimeout;
    process.nextTick = () => { faked.push('nextTick'); };
    try {
      assert.ok(now() >= before);
      assert.ok(monotonicUs() >= beforeUs);
      ticked = new Promise<void>((resolve) => ownNextTick(resolve));
      timedOut = new Promise<void>((resolve) => { ownSetTimeout(resolve, 1); });
    } finally {
      Object.defineProperty(globalThis, 'performance', { value: real.performance, configurable: true, writable: true });
      process.hrtime = real.hrtime;
      globalThis.setTimeout = real.setTimeout;
      process.nextTick = real.nextTick;
    }
    await ticked;
    await timedOut;
    assert.deepEqual(faked, []);
  });
});

/** µs by which a hello's anchors miss describing one instant: the probe clock's origin is a whole second of CLOCK_MONOTONIC. */
function anchorSkewUs(a: { perfAnchor: number; hrAnchorUs: number }): number {
  const r = ((a.hrAnchorUs - a.perfAnchor * 1e3) % 1e6 + 1e6) % 1e6;
  return Math.min(r, 1e6 - r);
}

describe('clockAnchors', () => {
  it('are now() and monotonicUs() of one instant (one reading: nothing can run between them)', () => {
    for (let i = 0; i < 1000; i++) assert.ok(anchorSkewUs(clockAnchors()) < 1, JSON.stringify(clockAnchors()));
    const a = clockAnchors();
    const before = now(), us = monotonicUs();
    assert.ok(a.perfAnchor <= before && a.hrAnchorUs <= us, 'read from the same clocks');
  });
});
