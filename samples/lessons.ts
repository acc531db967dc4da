/**
 * The lessons of samples/README.md as wall-time ratios of two samples (`slow` / `fast`, by
 * variant name), with generous bounds for a busy 2-core machine. The matrix prints each ratio
 * and marks one outside [min, max]; the ratios are measurements, not pass/fail of the samples.
 */
export interface Lesson {
  name: string;
  /** Wall time of `slow` / wall time of `fast`. */
  slow: string;
  fast: string;
  expectation: string;
  min: number;
  max: number;
}

export const LESSONS: Lesson[] = [
  { name: 'I/O: Promise.all vs sequential', slow: 'io/sequential', fast: 'io/promise-all', expectation: '≥ 5×', min: 5, max: Infinity },
  { name: 'I/O: async one-at-a-time vs sequential', slow: 'io/async-one-at-a-time', fast: 'io/sequential', expectation: '≈ 1×', min: 0.75, max: 1.35 },
  { name: 'I/O: worker pool vs sequential', slow: 'io/sequential', fast: 'io/worker-pool', expectation: '> 1×', min: 1.5, max: Infinity },
  { name: 'CPU: worker pool (= cores) vs sequential', slow: 'cpu/sequential', fast: 'cpu/worker-pool', expectation: '≈ 2×', min: 1.5, max: 2.6 },
  { name: 'CPU: Promise.all vs sequential', slow: 'cpu/sequential', fast: 'cpu/promise-all', expectation: '≈ 1×', min: 0.7, max: 1.35 },
  { name: 'CPU: oversized pool vs right-sized pool', slow: 'cpu/worker-pool', fast: 'cpu/oversized-pool', expectation: '≤ 1×', min: 0.3, max: 1.2 },
  { name: 'I/O+CPU: worker pool vs CPU on the loop', slow: 'mixed/cpu-on-the-loop', fast: 'mixed/worker-pool', expectation: '> 1×', min: 1.1, max: Infinity },
  { name: 'Fan-out: Promise.all vs sequential awaits', slow: 'fanout/sequential-awaits', fast: 'fanout/promise-all', expectation: '> 1× (900 vs 400 ms of waiting)', min: 1.2, max: Infinity },
  { name: 'Fan-out: 3 s service with a 500 ms timeout vs Promise.all', slow: 'fanout/slow-service-timeout', fast: 'fanout/promise-all', expectation: '≈ 1×', min: 0.7, max: 1.5 },
  { name: 'Thread pool: 128 threads vs 4 threads', slow: 'threadpool/default-pool', fast: 'threadpool/bigger-pool', expectation: '> 1×, far below 32×', min: 0.8, max: 4 },
];
