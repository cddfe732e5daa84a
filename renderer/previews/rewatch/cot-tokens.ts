/** A chain of thought cut into plain text and its `<action>`, `<observation>` and `<answer>` parts, for highlighting. */
type CotTag = 'action' | 'observation' | 'answer';

interface CotToken {
  kind: 'text' | CotTag;
  text: string;
}

const TAGGED = /<(action|observation|answer)>([\s\S]*?)<\/\1>/g;

/** The text in order; a tag left open or unknown stays plain text, so nothing of the text is lost. */
export function cotTokens(text: string): CotToken[] {
  const tokens: CotToken[] = [];
  let at = 0;
  for (const match of text.matchAll(TAGGED)) {
    if (match.index > at) tokens.push({ kind: 'text', text: text.slice(at, match.index) });
    tokens.push({ kind: match[1] as CotTag, text: match[2]! });
    at = match.index + match[0].length;
  }
  if (at < text.length) tokens.push({ kind: 'text', text: text.slice(at) });
  return tokens;
}
