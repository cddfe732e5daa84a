import { useState } from 'react';
import { ErrorsPanel } from '../errors/ErrorsPanel.tsx';
import { ProblemList } from '../inspector/ProblemList.tsx';
import { OutputPanel } from '../previews/OutputPanel.tsx';
import { RunHistory } from '../runs/RunHistory.tsx';
import { RunLog } from '../runs/RunLog.tsx';
import { useValidation } from './services.tsx';

const TABS = [
  { id: 'output', title: 'Output', view: OutputPanel },
  { id: 'errors', title: 'Errors', view: ErrorsPanel },
  { id: 'runs', title: 'Runs', view: RunHistory },
  { id: 'log', title: 'Log', view: RunLog },
  { id: 'problems', title: 'Problems', view: ProblemList },
] as const;

/** Output previews, failed items, run history, the run log and the graph's problems. */
export function BottomPanel() {
  const [tab, setTab] = useState<(typeof TABS)[number]['id']>('output');
  const problems = useValidation((s) => s.errors.length);
  const View = TABS.find((t) => t.id === tab)!.view;
  return (
    <section className="bottom-panel">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={t.id === tab} className={t.id === tab ? 'active' : ''} onClick={() => setTab(t.id)}>
            {t.title}
            {t.id === 'problems' && problems > 0 && <span className="count warn">{problems}</span>}
          </button>
        ))}
      </div>
      <div className="panel-content">
        <View />
      </div>
    </section>
  );
}
