/**
 * Shows the current report's findings where the user works: diagnostics (Problems panel),
 * code lenses above the offending lines, hovers with the evidence, and the Promise.all quick fix.
 */
import * as vscode from 'vscode';
import { routeHoverLines } from '../core/routeText';
import { readFileSync } from 'node:fs';
import type { Finding, Severity } from '../../analyzer/report';
import { FindingsIndex } from '../core/findingsIndex';
import { escapeMarkdown, evidenceLines, kindTitle, lensTitle } from '../core/findingText';
import { planPromiseAll } from '../core/promiseAllRewrite';

/** The file's lines as the editor has them (open document) or as saved. */
function sourceLines(file: string): string[] | undefined {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
  if (open) return open.getText().split(/\r?\n/);
  try { return readFileSync(file, 'utf8').split(/\r?\n/); } catch { return undefined; }
}

export const DIAGNOSTIC_SOURCE = 'Concurrency Lens';
const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'javascript' }, { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'javascriptreact' }, { scheme: 'file', language: 'typescriptreact' },
];

const severityOf: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

class FindingLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly finding: Finding, readonly awaitCount?: number) { super(range); }
}

export class FindingsPresenter implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('concurrency-lens');
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.diagnostics, this.lensesChanged];

  constructor(private readonly index: FindingsIndex) {
    const presenter = this;
    this.disposables.push(
      vscode.languages.registerCodeLensProvider(SELECTOR, {
        onDidChangeCodeLenses: this.lensesChanged.event,
        provideCodeLenses: (doc) => presenter.provideLenses(doc),
        resolveCodeLens: (lens) => presenter.resolveLens(lens as FindingLens),
      }),
      vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (doc, pos) => presenter.hover(doc, pos) }),
      vscode.languages.registerCodeActionsProvider(SELECTOR, { provideCodeActions: (doc, range, ctx) => presenter.quickFixes(doc, range, ctx) }, {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
      }),
      // Edited source no longer matches the recorded lines: drop that file's findings until the next run.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.index.inFile(e.document.uri.fsPath).length) {
          this.index.forget(e.document.uri.fsPath);
          this.diagnostics.delete(e.document.uri);
          this.lensesChanged.fire();
        }
      }),
    );
  }

  /** Re-publishes everything from the index (after a run, a load or a clear). */
  refresh(): void {
    this.diagnostics.clear();
    for (const file of this.index.files()) {
      const uri = vscode.Uri.file(file);
      const lines = sourceLines(file);
      this.diagnostics.set(uri, this.index.inFile(file).map((f) => this.toDiagnostic(f, lines)));
    }
    this.lensesChanged.fire();
  }

  rangeOf(f: Finding, doc?: vscode.TextDocument): vscode.Range {
    const line = Math.max(0, f.location.line - 1);
    const column = Math.max(0, f.location.column - 1);
    if (doc && line < doc.lineCount) {
      const text = doc.lineAt(line);
      return new vscode.Range(line, Math.min(column, text.firstNonWhitespaceCharacterIndex), line, text.range.end.character);
    }
    return new vscode.Range(line, column, line, column + 1);
  }

  private toDiagnostic(f: Finding, lines: string[] | undefined): vscode.Diagnostic {
    // Underline the statement's line from the reported column (or its first non-blank) to its end.
    const text = lines?.[f.location.line - 1];
    const range = text === undefined ? this.rangeOf(f) : new vscode.Range(
      f.location.line - 1, Math.min(f.location.column - 1, text.length - text.trimStart().length), f.location.line - 1, text.trimEnd().length);
    const d = new vscode.Diagnostic(range, f.message, severityOf[f.severity] ?? vscode.DiagnosticSeverity.Warning);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = f.kind;
    d.relatedInformation = (f.related ?? []).map((r) => new vscode.DiagnosticRelatedInformation(
      new vscode.Location(vscode.Uri.file(this.index.fileOf({ ...f, location: r })), new vscode.Position(r.line - 1, Math.max(0, r.column - 1))),
      'also part of this finding'));
    return d;
  }

  private provideLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    return this.index.inFile(doc.uri.fsPath).map((f) => {
      let awaitCount: number | undefined;
      if (f.kind === 'sequential-awaits' && !f.related?.length) {
        const result = planPromiseAll(doc.getText(), [f.location.line]);
        if (result.ok) awaitCount = result.plan.count;
      }
      return new FindingLens(this.rangeOf(f, doc), f, awaitCount);
    });
  }

  private resolveLens(lens: FindingLens): vscode.CodeLens {
    lens.command = {
      title: lensTitle(lens.finding, lens.awaitCount),
      tooltip: `${kindTitle(lens.finding.kind)} — show it in the timeline`,
      command: 'concurrencyLens.revealFinding',
      arguments: [lens.finding.id],
    };
    return lens;
  }

  private hover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const here = this.index.inFile(doc.uri.fsPath).filter((f) => f.location.line - 1 === pos.line);
    const routes = routeHoverLines(this.index.report, doc.uri.fsPath, pos.line + 1);
    if (!here.length && !routes.length) return undefined;
    const md = new vscode.MarkdownString();
    if (routes.length) {
      md.appendMarkdown('**HTTP requests** (Concurrency Lens)\n\n');
      for (const line of routes) { md.appendMarkdown('- '); md.appendText(line); md.appendMarkdown('\n'); }
      md.appendMarkdown('\n');
      if (!here.length) return new vscode.Hover(md, doc.lineAt(pos.line).range);
    }
    for (const f of here) {
      // The diagnostic's own hover already shows the message: add the explanation and evidence.
      md.appendMarkdown(`**${kindTitle(f.kind)}** (Concurrency Lens)\n\n`);
      if (f.detail) md.appendMarkdown(`${escapeMarkdown(f.detail)}\n\n`);
      for (const line of evidenceLines(f)) md.appendMarkdown(`- ${escapeMarkdown(line)}\n`);
      md.appendMarkdown('\n');
    }
    return new vscode.Hover(md, this.rangeOf(here[0], doc));
  }

  private quickFixes(doc: vscode.TextDocument, range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.index.inFile(doc.uri.fsPath).filter((f) => f.kind === 'sequential-awaits'
      && [f.location, ...(f.related ?? [])].some((l) => range.start.line <= l.line - 1 && l.line - 1 <= range.end.line));
    const actions: vscode.CodeAction[] = [];
    for (const f of findings) {
      const lines = [f.location.line, ...(f.related ?? []).filter((r) => this.index.fileOf({ ...f, location: r }) === doc.uri.fsPath).map((r) => r.line)];
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
      const indentUnit = editor && editor.options.insertSpaces === false ? '\t' : ' '.repeat(Number(editor?.options.tabSize ?? 2));
      const result = planPromiseAll(doc.getText(), lines, indentUnit);
      if (!result.ok) continue; // only offered when the rewrite is syntactically safe
      const { plan } = result;
      const action = new vscode.CodeAction(
        `Run the ${plan.count} awaits together with Promise.all (all run even if one rejects)`,
        vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(plan.start), doc.positionAt(plan.end)), plan.newText);
      action.diagnostics = ctx.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code === 'sequential-awaits');
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }
}
