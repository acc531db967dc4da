/**
 * Extension-host tests: run inside a real VS Code by `npm run test:vscode` (@vscode/test-cli,
 * configured in .vscode-test.mjs; built to out/hostTests/ by scripts/build.mjs). Mocha TDD:
 * VS Code's test runner provides the globals declared below. Where VS Code cannot be downloaded
 * (this repository's CI), the same behaviour is checked in code-server by extension/ui.test.mjs.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

declare function suite(name: string, fn: () => void): void;
declare function suiteSetup(fn: () => Promise<void>): void;
declare function test(name: string, fn: () => Promise<void>): void;

const EXTENSION_ID = 'concurrency-lens.concurrency-lens';

suite('Concurrency Lens', () => {
  let dir = '';
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded (extensionDevelopmentPath should be the repository)`);
    dir = mkdtempSync(join(tmpdir(), 'cl-host-'));
    cpSync(join(extension.extensionPath, 'extension', 'fixtures', 'workspace'), dir, { recursive: true });
    await extension.activate();
  });

  test('contributes its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['concurrencyLens.profile', 'concurrencyLens.attach', 'concurrencyLens.stop', 'concurrencyLens.clearFindings', 'concurrencyLens.openReport', 'concurrencyLens.compareRuns']) {
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

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    assert.ok(lenses.some((l) => l.range.start.line === 9 && /3 independent awaits ran in sequence/.test(l.command?.title ?? '')));

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, seq.range);
    const fix = actions.find((a) => /Promise\.all/.test(a.title));
    assert.ok(fix?.edit && /even if one rejects/.test(fix.title), actions.map((a) => a.title).join(', '));
    await vscode.workspace.applyEdit(fix.edit);
    await vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath)?.save();
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
