/**
 * Tests that need something outside the repository (Chromium, code-server, a built dist/).
 * Locally a missing piece skips them with the reason. With CI set (CI=true, as CI services set
 * it) nothing is skipped: a missing browser or editor host is a failure that names what is
 * missing, so a green CI run means the tests ran.
 */
export const IN_CI = !!process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase());

export interface Requirement {
  /** The `skip` option for node:test: the reason outside CI, false in CI or when nothing is missing. */
  skip: string | false;
  /** Throws (a test failure) when something is missing: call it first in the test or a `before` hook. */
  check(): void;
}

/** @param missing why the tests cannot run here, or a falsy value when they can. */
export function requirement(missing: string | false | undefined | null): Requirement {
  return {
    skip: missing && !IN_CI ? missing : false,
    check() { if (missing) throw new Error(`${missing} (CI is set: a missing test environment is a failure, not a skip)`); },
  };
}
