const THINK_BLOCK = /<think>[\s\S]*?<\/think>/gi;
const THINK_CLOSE = '</think>';
const THINK_OPEN = /<think>/i;

/**
 * The reply without reasoning: removes `<think>…</think>` blocks, a leading block whose `<think>` was part of
 * the prompt template (text up to the first `</think>`), and an unclosed `<think>` that runs to the end.
 */
export function stripThinking(text: string): string {
  let out = text;
  const close = out.toLowerCase().indexOf(THINK_CLOSE);
  const open = out.search(THINK_OPEN);
  if (close >= 0 && (open < 0 || close < open)) out = out.slice(close + THINK_CLOSE.length);
  out = out.replace(THINK_BLOCK, '');
  const unclosed = out.search(THINK_OPEN);
  if (unclosed >= 0) out = out.slice(0, unclosed);
  return out.trim();
}
