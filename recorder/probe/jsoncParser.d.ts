/**
 * jsonc-parser's parser module alone (its ES build's `impl/parser.js`, which ships no declarations
 * of its own): the same `parse` as the package's main, without the formatter and editor the main
 * imports. See tsconfig.ts.
 */
declare module 'jsonc-parser/lib/esm/impl/parser.js' {
  export const parse: typeof import('jsonc-parser').parse;
}
