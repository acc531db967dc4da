/**
 * Whether this process runs with the boolean Node flag `--<name>`, in its command line or in
 * NODE_OPTIONS, written with dashes or underscores as Node accepts either (`--pending_deprecation`).
 */
export function hasNodeFlag(name: string): boolean {
  const flag = new RegExp(`^--${name.replace(/-/g, '[-_]')}$`);
  return process.execArgv.some((a) => flag.test(a)) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).some((a) => flag.test(a));
}
