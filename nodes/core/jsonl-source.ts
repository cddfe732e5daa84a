import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { defineOnceNode, pathField, RecordType, type JsonObject } from '../sdk/index.ts';

const config = z.object({
  path: pathField('A JSON Lines file (one object per line) or a JSON file holding an array of objects.'),
  format: z.enum(['auto', 'jsonl', 'json']).default('auto').meta({
    description: '`auto` reads `.json` files as a JSON array and everything else as JSON Lines.',
  }),
});

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function* jsonLines(path: string): AsyncGenerator<JsonObject> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${path}:${lineNumber}: not valid JSON (${(error as Error).message})`);
    }
    if (!isObject(value)) throw new Error(`${path}:${lineNumber}: expected a JSON object, got ${JSON.stringify(value).slice(0, 40)}`);
    yield value;
  }
}

async function jsonArray(path: string): Promise<JsonObject[]> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new Error(`${path}: expected a JSON array of objects`);
  value.forEach((item, index) => {
    if (!isObject(item)) throw new Error(`${path}: item [${index}] is not a JSON object`);
  });
  return value as JsonObject[];
}

export const jsonlSource = defineOnceNode({
  type: 'core.jsonl-source',
  version: 1,
  streamsOutput: true,
  title: 'JSON Lines source',
  category: 'Core',
  description: 'Reads records from a JSON Lines file or a JSON array file. Re-runs when the file content changes.',
  inputs: {},
  outputs: { items: { type: RecordType, description: 'One record per line (or array element), in file order.' } },
  config,
  async fingerprint(ctx, { path }) {
    return { [`file:${resolve(path)}`]: await ctx.storage.fileHash(resolve(path)) };
  },
  async execute(_ctx, _inputs, { path, format }) {
    const file = resolve(path);
    const asArray = format === 'json' || (format === 'auto' && file.toLowerCase().endsWith('.json'));
    return { items: asArray ? await jsonArray(file) : jsonLines(file) };
  },
});
