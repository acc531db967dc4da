// For machines that can download VS Code: `npx --package @vscode/test-cli --package @vscode/test-electron vscode-test`
// runs the mocha (TDD) suites below in a real VS Code with samples/ open (build first: `npm run build`).
// Here, where VS Code cannot be downloaded, `npm run test:extension` drives the same product in
// code-server + Chromium (extension/ui.test.mjs). defineConfig() is the identity, so a plain object works.
export default {
  label: 'Concurrency Lens',
  files: 'extension/mocha/**/*.suite.cjs',
  version: '1.96.0',
  workspaceFolder: './samples',
  extensionDevelopmentPath: '.',
  mocha: { ui: 'tdd', timeout: 180_000 },
};
