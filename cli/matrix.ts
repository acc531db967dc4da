/**
 * The sample matrix (`concurrency-lens matrix`), one file per job:
 *   matrix/spec.ts   sample discovery and header directives (expect, allow, env, args)
 *   matrix/check.ts  findings vs header, one row per run, lesson ratios (verdicts: analyzer/verdict.ts)
 *   matrix/table.ts  the table and the lessons as text
 *   matrix/run.ts    profiles each sample and prints the result
 * The lessons themselves live with the samples (samples/lessons.ts).
 */
export { discoverSamples, parseSampleHeader, type ExpectedFinding, type SampleSpec } from './matrix/spec';
export { checkFindings, lessonRatios, rowFor, type FindingCheck, type LessonResult, type MatrixRow } from './matrix/check';
export { formatLessons, formatTable } from './matrix/table';
export { runMatrix, timePlainRun, type MatrixOptions, type MatrixResult } from './matrix/run';
export { LESSONS, type Lesson } from '../samples/lessons';
