'use strict';
// bench/profileDelivery.mjs's `session` mode: every thread (preloaded through NODE_OPTIONS, so in
// workers and child processes too) profiles itself through an in-thread inspector session, with
// no inspector port and no recorder, and writes its profile as it exits, as --cpu-prof does.
// (A measurement of a design, not the product: a killed process or a terminate()d worker loses
// its profile here.)
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { threadId } = require('node:worker_threads');

const dir = process.env.CL_BENCH_PROFILE_DIR;
const session = new Session();
session.connect();
// An in-thread session answers synchronously: each call is done when post() returns.
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');
process.on('exit', () => {
  session.post('Profiler.stop', (err, r) => {
    if (!err) writeFileSync(`${dir}/${process.pid}-${threadId}.cpuprofile`, JSON.stringify(r.profile));
  });
});
