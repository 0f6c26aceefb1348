// Package descriptions are Markdown (the upack format says so): rendered, not escaped, but untrusted text
// from a server. Tooltips that show them are never trusted (no command links run) and never allow HTML;
// on top of that, command links, raw HTML and theme-icon syntax are taken out here, so nothing in a
// description can look like a button of ours.

/** The most of a description a tooltip shows. */
export const MAX_DESCRIPTION_CHARS = 4000;

export function untrustedMarkdown(text: string): string {
  let out = text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS)}…` : text;
  // Links to commands (and other non-web schemes) keep their text, lose their target.
  out = out.replace(/\[([^\]]*)\]\(\s*<?(?!https?:|mailto:)[a-z][a-z0-9+.-]*:[^)]*\)/gi, '$1');
  // Raw HTML: tags and comments go, their text stays (the renderer would drop them too).
  out = out.replace(/<!--[\s\S]*?-->/g, '').replace(/<\/?[a-z][^>]*>/gi, '');
  // `$(name)` would render as one of VS Code's icons in a tooltip that supports them.
  out = out.replace(/\$\(/g, '\\$(');
  return out.trim();
}
