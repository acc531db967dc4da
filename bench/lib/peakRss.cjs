'use strict';
// Preloaded (`node -r`) into the bench's profiler CLI process only, never into the program: at exit it
// writes the CLI process's own peak RSS (KB) and CPU time (ms) as JSON to the file named by
// CL_BENCH_SELF_FILE. The variable is removed from the environment first, so the program never sees it.
const file = process.env.CL_BENCH_SELF_FILE;
delete process.env.CL_BENCH_SELF_FILE;
if (file) {
  process.on('exit', () => {
    const r = process.resourceUsage();
    require('node:fs').writeFileSync(file, JSON.stringify({ maxRssKb: r.maxRSS, cpuMs: (r.userCPUTime + r.systemCPUTime) / 1000 }));
  });
}
