// The shell of the extension's read-only webviews (the server report, the package page): a strict
// Content-Security-Policy with no scripts at all, one nonce'd style sheet, and every piece of text that
// came from a server escaped here.

import { randomBytes } from 'node:crypto';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Only web links leave a page (VS Code opens them in the browser); anything else is not a link. */
export function safeHref(url: string): string | undefined {
  const trimmed = url.trim();
  return /^(https?:\/\/|mailto:)/i.test(trimmed) ? trimmed : undefined;
}

/** A `command:` link to one of our commands, with its arguments (the webview allows only listed ones). */
export function commandHref(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 1.2em 2em; line-height: 1.45; max-width: 60em; }
h1 { font-size: 1.5em; margin-bottom: .2em; overflow-wrap: anywhere; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid var(--vscode-panel-border, #8884); padding-bottom: .2em; }
.sub { color: var(--vscode-descriptionForeground); margin-top: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .25em .8em .25em 0; overflow-wrap: anywhere; }
th { color: var(--vscode-descriptionForeground); font-weight: normal; white-space: nowrap; }
code, .mono { font-family: var(--vscode-editor-font-family); font-size: .95em; overflow-wrap: anywhere; }
pre { background: var(--vscode-textCodeBlock-background); padding: .6em; overflow-x: auto; }
a { color: var(--vscode-textLink-foreground); }
.finding { margin: .6em 0; padding: .4em .7em; border-left: 3px solid var(--vscode-panel-border, #8884); }
.finding.ok { border-color: var(--vscode-testing-iconPassed, #3a3); }
.finding.warn { border-color: var(--vscode-editorWarning-foreground, #c90); }
.finding.fail { border-color: var(--vscode-editorError-foreground, #d33); }
.finding .status { font-weight: bold; text-transform: uppercase; font-size: .8em; margin-right: .5em; }
.finding .hint { color: var(--vscode-descriptionForeground); margin-top: .2em; }
img.icon { float: right; margin: 1em 0 0 1em; }
.muted { color: var(--vscode-descriptionForeground); }
.description { border: 1px solid var(--vscode-panel-border, #8884); padding: 0 1em; border-radius: 4px; }
`;

/**
 * A whole page: `body` must already be escaped HTML. No script may run (none is needed); images only over
 * https (package icons and description images), styles only from the nonce'd block.
 */
export function page(title: string, body: string, cspSource = ''): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `img-src https: data: ${cspSource}`.trim(),
    `style-src 'nonce-${nonce}'`,
    "script-src 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${body}
</body>
</html>`;
}
