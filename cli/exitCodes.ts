/**
 * The CLI's own exit codes (besides the program's exit status, which `profile` passes on).
 * EXIT_GATE: a CI gate failed (--fail-on, --budget, compare --fail-on-regression); the reports
 * were still written. Distinct from 1 (a program's usual failure) and from 128+ (signals).
 */
export const EXIT_USAGE = 2;
export const EXIT_GATE = 3;
