// Runs inside VS Code's extension host via .vscode-test.mjs (mocha TDD). Same checks as the
// code-server UI tests, through the editor's own provider commands instead of the DOM.
const assert = require('node:assert/strict');
const { cpSync, mkdtempSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const vscode = require('vscode');

const fixtures = join(__dirname, '..', 'fixtures', 'workspace');

suite('Concurrency Lens', () => {
  let dir;
  suiteSetup(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cl-mocha-'));
    cpSync(fixtures, dir, { recursive: true });
    await vscode.extensions.getExtension('concurrency-lens.concurrency-lens').activate();
  });

  test('contributes its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['concurrencyLens.profile', 'concurrencyLens.stop', 'concurrencyLens.clearFindings', 'concurrencyLens.openReport', 'concurrencyLens.compareRuns']) {
      assert.ok(commands.includes(id), id);
    }
  });

  test('profiling a file with sequential awaits gives a diagnostic, a code lens and a Promise.all fix', async () => {
    const uri = vscode.Uri.file(join(dir, 'lens-dashboard.js'));
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('concurrencyLens.profile', uri);
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Concurrency Lens');
    const seq = diagnostics.find((d) => d.code === 'sequential-awaits');
    assert.ok(seq, JSON.stringify(diagnostics.map((d) => d.message)));
    assert.equal(seq.range.start.line, 9);

    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 10);
    assert.ok(lenses.some((l) => l.range.start.line === 9 && /3 independent awaits ran in sequence/.test(l.command?.title ?? '')));

    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, seq.range);
    const fix = actions.find((a) => /Promise\.all/.test(a.title));
    assert.ok(fix && /even if one rejects/.test(fix.title));
    await vscode.workspace.applyEdit(fix.edit);
    await vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath).save();
    assert.match(readFileSync(uri.fsPath, 'utf8'), /const \[user, orders, news\] = await Promise\.all\(\[loadUser\(\), loadOrders\(\), loadNews\(\)\]\);/);

    await vscode.commands.executeCommand('concurrencyLens.profile', uri);
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'sequential-awaits').length, 0);
  });

  test('clear findings removes the diagnostics', async () => {
    await vscode.commands.executeCommand('concurrencyLens.clearFindings');
    const all = vscode.languages.getDiagnostics().flatMap(([, ds]) => ds).filter((d) => d.source === 'Concurrency Lens');
    assert.equal(all.length, 0);
  });
});
