import type { Dataset } from '../../../nodes/rewatch/types.ts';
import { formatCount } from '../../runs/format.ts';
import { JsonTree } from '../JsonTree.tsx';
import { datasetVideosLine } from './dataset-videos.ts';

/** A written dataset: its files with rows and size, the rows and videos per task, and the first rows as written. */
export function DatasetBody({ data }: { data: Dataset }) {
  return (
    <div className="item-body">
      <p>
        <strong>{data.format}</strong>{' '}
        <span className="muted">
          {Object.entries(data.rows)
            .map(([task, rows]) => `${task}: ${formatCount(rows)}`)
            .join(' · ')}
        </span>
      </p>
      <p className="muted" data-testid="dataset-videos">
        {datasetVideosLine(data.videos)}
      </p>
      <table className="runs-table" data-testid="dataset-files">
        <thead>
          <tr>
            <th>file</th>
            <th>rows</th>
            <th>bytes</th>
          </tr>
        </thead>
        <tbody>
          {data.files.map((file) => (
            <tr key={file.path} title={`sha256 ${file.sha256}`}>
              <td className="mono">{file.path}</td>
              <td>{formatCount(file.rows)}</td>
              <td>{formatCount(file.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>First rows</h4>
      {data.sample.map((row, i) => (
        <JsonTree key={i} value={row} />
      ))}
    </div>
  );
}
