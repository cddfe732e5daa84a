import type { ProvenanceRow } from '../../main/api/contract.ts';
import type { CoT, DenseCaption, FilterVerdict, MCQ, QA, RejectedMCQ, RewardBreakdown, Trajectory, Video } from '../../nodes/rewatch/types.ts';

/** Seconds as `m:ss`. */
const at = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
const fixed = (n: number | undefined) => (n === undefined ? '?' : n.toFixed(2));
const letter = (i: number) => String.fromCharCode(65 + i);

export interface Span {
  start: number;
  end: number;
}

type Probe = FilterVerdict['probes'][number];

const probeLine = (form: string) => (p: Probe) => `${form}${p.probe}: ${p.correct ? '✓' : '✗'} ${JSON.stringify(p.answer)}${p.reason ? ` (${p.reason})` : ''}`;

/** A row in a few plain lines: what a person asks of it first (kept or dropped and why, which answer, which score). */
export function summarize(row: Pick<ProvenanceRow, 'dataType' | 'data'>): string[] {
  switch (row.dataType) {
    case 'QA': {
      const d = row.data as QA;
      return [`Q (${d.type}): ${d.question}`, `A: ${d.answer}`, `evidence ${at(d.evidence.start)}–${at(d.evidence.end)}`];
    }
    case 'MCQ': {
      const d = row.data as MCQ;
      return [`Q (${d.type}): ${d.question}`, ...d.options.map((o, i) => `${letter(i) === d.answer ? '✓' : '·'} ${letter(i)}. ${o}`)];
    }
    case 'FilterVerdict': {
      const d = row.data as FilterVerdict;
      return [
        `${d.stage} ${d.kept ? 'kept' : 'dropped'} · accuracy ${fixed(d.accuracy)}${d.mcAccuracy !== undefined ? ` · with options ${fixed(d.mcAccuracy)}` : ''}`,
        d.reason,
        ...d.probes.map(probeLine('')),
        ...(d.mcProbes ?? []).map(probeLine('MC form · ')),
      ];
    }
    case 'Trajectory': {
      const d = row.data as Trajectory;
      return [
        `attempt ${d.attempt} · ${d.form} · ${d.correct ? 'correct' : 'wrong'} · ${d.steps.length} steps · answered ${JSON.stringify(d.finalAnswer)} (truth ${JSON.stringify(d.groundTruth)})`,
        ...(d.failure ? [`failure: ${d.failure}`] : []),
      ];
    }
    case 'CoT': {
      const d = row.data as CoT;
      return [`${d.form} · ${d.text}`];
    }
    case 'RewardBreakdown': {
      const d = row.data as RewardBreakdown;
      return [
        `total ${fixed(d.total)} = r_acc ${fixed(d.rAcc)} × (1 + r_obs ${fixed(d.rObs)} + r_rea ${fixed(d.rRea)}) + r_fmt ${fixed(d.rFmt)}`,
        `accuracy: ${d.notes.accuracy}`,
        `reasoning: ${d.notes.reasoning}`,
        `format: ${d.notes.format}`,
        ...d.notes.observations.map((o) => `observation ${o.action}: ${fixed(o.score)} ${o.note}`),
      ];
    }
    case 'Question':
      return summarize({ dataType: 'options' in (row.data as object) ? 'MCQ' : 'QA', data: row.data });
    case 'RejectedMCQ': {
      const d = row.data as RejectedMCQ;
      return [`rejected: ${d.reason}`, `Q: ${d.open.question}`];
    }
    case 'Video':
      return [(row.data as Video).path];
    case 'DenseCaption':
      return [`${(row.data as DenseCaption).events.length} caption events`];
    default:
      return [];
  }
}

/** The span of video a question's evidence covers, from the first QA (or an MCQ's open form) among `rows`. */
export function evidenceSpan(rows: readonly Pick<ProvenanceRow, 'data'>[]): Span | undefined {
  for (const { data } of rows) {
    const d = (data ?? {}) as { evidence?: Span; open?: { evidence?: Span } };
    const span = d.evidence ?? d.open?.evidence;
    if (span && typeof span.start === 'number' && typeof span.end === 'number') return span;
  }
  return undefined;
}

/** Caption events overlapping `span` (every event when there is none). */
export function eventsIn<T extends Span>(events: readonly T[], span: Span | undefined): T[] {
  return span ? events.filter((e) => e.start < span.end && e.end > span.start) : [...events];
}

export { at as clockOf };
