import type { Trajectory } from '../../../nodes/rewatch/types.ts';
import { Options } from './CotView.tsx';

/** A ReAct trajectory: each step's thought, action and observation, then the final answer and whether it is right. */
export function TrajectoryBody({ data }: { data: Trajectory }) {
  return (
    <div className="item-body">
      <p>
        <strong>{data.question}</strong> <span className="muted">attempt {data.attempt}</span>
      </p>
      {data.options && <Options options={data.options} />}
      <ol className="trajectory-steps">
        {data.steps.map((step, i) => (
          <li key={i} data-testid="trajectory-step">
            <div className="step-thought">{step.thought}</div>
            <div className="step-action mono">
              {step.action.name}({step.action.argument})
            </div>
            {step.observation && <div className="step-observation">{step.observation}</div>}
          </li>
        ))}
      </ol>
      <p className={data.correct ? 'verdict-kept' : 'verdict-dropped'} data-testid="trajectory-result">
        Answer {data.finalAnswer || '—'} · {data.correct ? 'correct' : 'wrong'} (ground truth {data.groundTruth})
        {data.failure && <span className="muted"> · {data.failure}</span>}
      </p>
    </div>
  );
}
