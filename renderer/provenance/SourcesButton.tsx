import type { OutputRef } from '../previews/use-paged-items.ts';
import { useProvenanceTarget } from './provenance-store.ts';

/** Opens the provenance of one row of an output: where it came from and what it became. */
export function SourcesButton({ output, seq }: { output: OutputRef; seq: number }) {
  const open = useProvenanceTarget((s) => s.open);
  return (
    <button
      type="button"
      className="sources-button"
      title="Follow this row to its sources: video, captions, QA, filter verdicts, MCQ, trajectory, CoT, reward, exported rows"
      onClick={() => open({ runId: output.runId, nodeId: output.nodeId, port: output.port, seq })}
    >
      Sources
    </button>
  );
}
