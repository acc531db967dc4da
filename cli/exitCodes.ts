/**
 * The CLI's own exit codes (besides the program's exit status, which `profile` passes on).
 * EXIT_GATE: a CI gate failed (--fail-on, --budget, compare --fail-on-regression); the reports
 * were still written. Distinct from 1 (a program's usual failure) and from 128+ (signals).
 * EXIT_CANT_WRITE (sysexits' EX_CANTCREAT): the program ran, but a report file could not be
 * written (the others were; the report itself is then saved in the temp folder).
 */
export const EXIT_USAGE = 2;
export const EXIT_GATE = 3;
export const EXIT_CANT_WRITE = 73;
