import type { ComponentType } from 'react';
import { DenseCaptionView } from './DenseCaptionView.tsx';
import { JsonListView } from './JsonListView.tsx';
import { TableView } from './TableView.tsx';
import { REWATCH_PREVIEWS } from './rewatch/index.ts';
import type { OutputRef, PagedItems } from './use-paged-items.ts';
import { VideoView } from './VideoView.tsx';

export interface PreviewProps {
  items: PagedItems;
  dataType: string;
  /** The output shown, for previews that query it further (counts, samples). */
  output: OutputRef;
}

export interface PreviewKind {
  id: string;
  title: string;
  component: ComponentType<PreviewProps>;
}

const table: PreviewKind = { id: 'table', title: 'Table', component: TableView };
const json: PreviewKind = { id: 'json', title: 'JSON', component: JsonListView };

/** Previews made for one data type; every type also gets the generic table and JSON views. */
const byDataType: ReadonlyMap<string, PreviewKind[]> = new Map([
  ['DenseCaption', [{ id: 'captions', title: 'Caption timeline', component: DenseCaptionView }]],
  ['Video', [{ id: 'video', title: 'Video', component: VideoView }]],
  ...REWATCH_PREVIEWS,
]);

/** The previews for a data type, the most specific first. */
export function previewFor(dataType: string): PreviewKind[] {
  return [...(byDataType.get(dataType) ?? []), table, json];
}
