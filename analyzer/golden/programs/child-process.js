'use strict';
// A forked child that does some CPU work. Expected: a process lane with the child's CPU time.
const { fork } = require('child_process');
if (process.argv[2] === 'child') {
  let x = 0;
  for (let i = 0; i < 3e7; i++) x += i % 7;
  console.log('child', x);
} else {
  fork(__filename, ['child']).on('exit', (code) => console.log('child exited', code));
}
