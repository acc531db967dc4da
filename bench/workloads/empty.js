'use strict';
// The empty program: measures the profiler's fixed cost (start, attach, analyse, write).
console.log('BENCH_MS=0');
