'use strict';
// A hand-over: the program runs another with inherited stdio and waits for it (its CPU profile
// pauses meanwhile: recorder/probe/handOver.ts), then computes. Expected: a note that the main
// thread was not sampled while it waited for `sleep 0.3`, no busy stretch over the wait, and the
// computation after it sampled (a busy stretch in spin).
const { execFileSync } = require('child_process');
function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}
execFileSync('sleep', ['0.3'], { stdio: 'inherit' });
spin(60);
