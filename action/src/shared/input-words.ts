// Core words its messages for any caller, naming its options (timeoutMs, caCertPath, insecureTls); a
// workflow author sets inputs. Every message the action shows goes through here.

const OPTION_TO_INPUT: [RegExp, string][] = [
  [/ as caCertPath \(the action's ca-cert input\)/g, ' as the "ca-cert" input'],
  [/\bcaCertPath\b/g, 'the "ca-cert" input'],
  [/\binsecureTls\b/g, 'insecure-tls'],
  [/\(transferTimeoutMs\)/g, '(no data while transferring)'],
  [/\btimeoutMs\b/g, 'the "timeout" input'],
];

export function inInputTerms(text: string): string {
  return OPTION_TO_INPUT.reduce((t, [pattern, words]) => t.replace(pattern, words), text).replace(
    /\(found ([^)\n]*)\)/g,
    (found, chars: string) => {
      // "letters" in core's rules means A-Z and a-z: a reader with é in a name deserves to be told so.
      const foreign = [...new Set(chars.match(/[^\x00-\x7f]/gu) ?? [])];
      if (foreign.length === 0) return found;
      return `${found}; ${foreign.map((c) => `"${c}"`).join(', ')} ${foreign.length === 1 ? 'is not an ASCII letter' : 'are not ASCII letters'}`;
    },
  );
}
