import { exportNode } from './core/export.ts';
import { filter } from './core/filter.ts';
import { jsonlSource } from './core/jsonl-source.ts';
import { llmMap } from './core/llm-map.ts';
import type { NodeDefinition } from './sdk/index.ts';

/** Every installed node type. A new node type is a module in its stage's folder and one line here. */
export const nodeDefinitions: readonly NodeDefinition[] = [jsonlSource, llmMap, filter, exportNode];
