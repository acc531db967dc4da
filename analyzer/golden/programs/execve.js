'use strict';
// Recorded on Node 22 (process.execve is Node >= 22.15): the program computes, then replaces
// itself with another program. Expected: the main lane ends at the exec, and a note says what
// the pid ran next is not recorded.
function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}
spin(60);
process.execve('/bin/sh', ['sh', '-c', 'sleep 0.2']);
