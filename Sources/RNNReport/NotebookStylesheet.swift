/// The notebook's inline stylesheet: a light, print-friendly page in the manner of Jupyter,
/// with system fonts only (no web fonts, no URLs).
enum NotebookStylesheet {
    static let css = """
        :root {
          color-scheme: light;
          --ink: #1f2328;
          --muted: #59636e;
          --rule: #d1d9e0;
          --code: #f6f8fa;
          --prompt-in: #1f5fbf;
          --prompt-out: #b3261e;
          --error: #cf222e;
          --error-wash: #fff1f0;
          --warning: #9a6700;
          --warning-wash: #fff8e5;
          --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
        }
        * { box-sizing: border-box; }
        html { background: #ffffff; }
        body {
          margin: 0;
          color: var(--ink);
          font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
          -webkit-text-size-adjust: 100%;
        }
        main { max-width: 64rem; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
        header { margin-bottom: 2rem; padding-bottom: 1rem; border-bottom: 1px solid var(--rule); }
        h1 { margin: 0 0 0.75rem; font-size: 1.75rem; line-height: 1.25; font-weight: 650; }
        .metadata {
          display: grid;
          grid-template-columns: max-content minmax(0, 1fr);
          gap: 0.2rem 1.25rem;
          margin: 0;
          font-size: 0.875rem;
          color: var(--muted);
        }
        .metadata dt { font-weight: 600; }
        .metadata dd { margin: 0; font-family: var(--mono); font-size: 0.8125rem; overflow-wrap: anywhere; }
        .cell {
          display: grid;
          grid-template-columns: 6.5rem minmax(0, 1fr);
          column-gap: 0.75rem;
          row-gap: 0.35rem;
          margin: 0 0 1.5rem;
        }
        .prompt {
          grid-column: 1;
          padding-top: 0.45rem;
          text-align: right;
          font: 0.8125rem/1.5 var(--mono);
          color: var(--prompt-in);
          white-space: nowrap;
        }
        .prompt.out { color: var(--prompt-out); }
        .status {
          display: block;
          margin-top: 0.25rem;
          font: 600 0.6875rem/1.4 system-ui, sans-serif;
          letter-spacing: 0.04em;
          text-transform: uppercase;
          color: var(--error);
        }
        pre, figure { grid-column: 2; margin: 0; min-width: 0; }
        pre {
          padding: 0.45rem 0.75rem;
          font: 0.8125rem/1.5 var(--mono);
          white-space: pre-wrap;
          overflow-wrap: anywhere;
          tab-size: 4;
        }
        pre.source { background: var(--code); border: 1px solid var(--rule); border-radius: 6px; }
        pre.output { border-left: 3px solid var(--rule); }
        figure { padding: 0.25rem 0; }
        figure svg { display: block; width: 100%; max-width: 100%; height: auto; }
        .cell.status-error pre.source { border-color: var(--error); }
        .cell.status-error pre.output { border-left-color: var(--error); background: var(--error-wash); }
        .cell.status-interrupted pre.source { border-color: var(--warning); }
        .cell.status-interrupted pre.output { border-left-color: var(--warning); background: var(--warning-wash); }
        .cell.status-interrupted .status { color: var(--warning); }
        .empty { color: var(--muted); font-style: italic; }
        @media (max-width: 40rem) {
          .cell { grid-template-columns: minmax(0, 1fr); }
          .prompt { grid-column: 1; text-align: left; padding-top: 0; }
          pre, figure { grid-column: 1; }
        }
        @media print {
          @page { margin: 1.5cm; }
          body { font-size: 10.5pt; }
          main { max-width: none; padding: 0; }
          .cell, figure { break-inside: avoid; }
          pre.source { background: none; }
          pre.output { background: none; }
        }
        """
}
