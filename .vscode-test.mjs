// `npm run test:vscode`: builds, then @vscode/test-cli downloads VS Code 1.96 (the engine this
// extension declares) and runs the extension-host suites (mocha TDD) with this repository as the
// extension under development and samples/ as the workspace. The suites are TypeScript
// (extension/hostTests/*.suite.ts) compiled by scripts/build.mjs to out/hostTests/*.suite.cjs.
// Where VS Code cannot be downloaded, `npm run test:extension` drives the same product in
// code-server + Chromium (extension/ui.test.mjs).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'Concurrency Lens',
  files: 'out/hostTests/**/*.suite.cjs',
  version: '1.96.0',
  workspaceFolder: './samples',
  extensionDevelopmentPath: '.',
  mocha: { ui: 'tdd', timeout: 180_000 },
});
