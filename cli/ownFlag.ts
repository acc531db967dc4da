/** A V8 flag the CLI sets (cli/ownV8Flags.ts): its name, the CLI's value, and V8's default. */
export type OwnFlag = [flag: string, own: number, defaultValue: number];
