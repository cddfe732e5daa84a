/**
 * A benchmark question as every loader maps it, whatever the benchmark's own format: the video, the prompts the
 * model is asked (one, or one per pair for VideoMathQA's multi-binary form) and what each reply is scored against.
 */

export type Box = readonly [x1: number, y1: number, x2: number, y2: number];

/** What one reply is scored against. */
export type Expected =
  | { readonly kind: 'choice'; readonly letter: string; readonly options: readonly string[] }
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'interval'; readonly start: number; readonly end: number }
  | { readonly kind: 'box'; readonly box: Box }
  | { readonly kind: 'open'; readonly text: string };

/** One request to the model: the text after the frames, and the answer its reply must give. */
export interface Ask {
  readonly prompt: string;
  readonly expected: Expected;
}

export interface BenchmarkQuestion {
  readonly id: string;
  /** Absolute path of the video file, checked to exist when loaded. */
  readonly video: string;
  /** The benchmark's own breakdown (question type, dimension, category): the report's per-category accuracy. */
  readonly category: string;
  /** The question alone, for the judge of open answers. */
  readonly question: string;
  /** Usually one; a question counts as correct only when every ask is answered right (all-pairs-right). */
  readonly asks: readonly [Ask, ...Ask[]];
}

/** A record a loader could not use, and why: which file, which record and which field. */
export type RejectedRecord = {
  file: string;
  record: string;
  field: string;
  message: string;
};

export interface LoadedBenchmark {
  questions: BenchmarkQuestion[];
  rejected: RejectedRecord[];
}

/** The expected answer as the results print it. */
export function expectedText(expected: Expected): string {
  switch (expected.kind) {
    case 'choice':
      return expected.letter;
    case 'count':
      return String(expected.value);
    case 'interval':
      return `[${expected.start}, ${expected.end}]`;
    case 'box':
      return `[${expected.box.join(', ')}]`;
    case 'open':
      return expected.text;
  }
}
