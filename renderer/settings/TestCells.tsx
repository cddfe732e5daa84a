import type { ReactNode } from 'react';
import type { ActionState } from './use-action.ts';

/** What the last test found, or its error in red. */
function TestOutcome<T>({ test, children }: { test: ActionState<T>; children(result: T): ReactNode }) {
  switch (test.status) {
    case 'idle':
      return <span className="muted">not tested</span>;
    case 'running':
      return <span className="muted">testing…</span>;
    case 'ok':
      return <span data-testid="test-result">{children(test.result)}</span>;
    case 'failed':
      return (
        <span className="field-error" role="alert" data-testid="test-error">
          {test.message}
        </span>
      );
  }
}

/** A row's "Test connection" button and the outcome of its last test, as two table cells. */
export function TestCells<T>({
  test,
  onTest,
  title,
  children,
}: {
  test: ActionState<T>;
  onTest(): void;
  title: string;
  children(result: T): ReactNode;
}) {
  return (
    <>
      <td>
        <button type="button" onClick={onTest} disabled={test.status === 'running'} title={title}>
          {test.status === 'running' ? 'Testing…' : 'Test connection'}
        </button>
      </td>
      <td className="settings-outcome">
        <TestOutcome test={test}>{children}</TestOutcome>
      </td>
    </>
  );
}
