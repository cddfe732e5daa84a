import type { CoT } from '../../../nodes/rewatch/types.ts';
import { cotTokens } from './cot-tokens.ts';

/** A chain of thought with its `<action>`, `<observation>` and `<answer>` parts highlighted. */
function CotText({ text }: { text: string }) {
  return (
    <div className="cot-text" data-testid="cot-text">
      {cotTokens(text).map((token, i) =>
        token.kind === 'text' ? (
          <span key={i}>{token.text}</span>
        ) : (
          <mark key={i} className={`cot-${token.kind}`} title={token.kind}>
            {token.text}
          </mark>
        ),
      )}
    </div>
  );
}

export function CotBody({ data }: { data: CoT }) {
  return (
    <div className="item-body">
      <p>
        <strong>{data.question}</strong> <span className="muted">(ground truth: {data.groundTruth})</span>
      </p>
      {data.options && <Options options={data.options} />}
      <CotText text={data.text} />
    </div>
  );
}

export function Options({ options }: { options: string[] }) {
  return (
    <ol type="A" className="options">
      {options.map((option, i) => (
        <li key={i}>{option}</li>
      ))}
    </ol>
  );
}
