import type { Context, Handler, Hono } from 'hono';
import type { z } from 'zod';
import {
  ApiError,
  deleteSettingsEntrySchema,
  type EngineApi,
  explainRequestSchema,
  jsonSchemaCheckRequestSchema,
  outputQuerySchema,
  routes,
  rowRefSchema,
  runRequestSchema,
  saveSettingsEntrySchema,
  settingsKindSchema,
  validateRequestSchema,
} from '../api/contract.ts';

/** The routes that map one-to-one onto an `EngineApi` method. */
export type EngineRoute = Extract<keyof typeof routes, keyof EngineApi>;

const errorQuerySchema = outputQuerySchema.pick({ offset: true, limit: true, search: true });

/** Registers every engine route of the contract's `routes` table; the record type makes a missing one a type error. */
export function registerEngineRoutes(app: Hono, engine: EngineApi): void {
  const handlers: Record<EngineRoute, Handler> = {
    catalog: async (c) => c.json(await engine.catalog()),
    validate: async (c) => {
      const { graph } = await readBody(c, validateRequestSchema);
      return c.json(await engine.validate(graph));
    },
    checkJsonSchema: async (c) => c.json(await engine.checkJsonSchema((await readBody(c, jsonSchemaCheckRequestSchema)).schema)),
    explain: async (c) => {
      const { graph, nodeId } = await readBody(c, explainRequestSchema);
      return c.json(await engine.explain(graph, nodeId));
    },
    startRun: async (c) => c.json(await engine.startRun(await readBody(c, runRequestSchema)), 201),
    listRuns: async (c) => c.json(await engine.listRuns()),
    getRun: async (c) => c.json(await engine.getRun(param(c, 'runId'))),
    cancelRun: async (c) => c.json(await engine.cancelRun(param(c, 'runId'))),
    nodeOutput: async (c) => {
      const query = outputQuerySchema.parse(c.req.query());
      return c.json(await engine.nodeOutput(param(c, 'runId'), param(c, 'nodeId'), param(c, 'port'), query));
    },
    nodeErrors: async (c) => {
      const query = errorQuerySchema.parse(c.req.query());
      return c.json(await engine.nodeErrors(param(c, 'runId'), param(c, 'nodeId'), query));
    },
    nodeMetrics: async (c) => c.json(await engine.nodeMetrics(param(c, 'runId'), param(c, 'nodeId'))),
    provenance: async (c) => c.json(await engine.provenance(param(c, 'runId'), rowRefSchema.parse(c.req.query()))),
    listTemplates: async (c) => c.json(await engine.listTemplates()),
    settings: async (c) => c.json(await engine.settings()),
    settingsFile: async (c) => c.json(await engine.settingsFile(settingsKind(c))),
    saveSettingsEntry: async (c) => c.json(await engine.saveSettingsEntry(settingsKind(c), await readBody(c, saveSettingsEntrySchema))),
    deleteSettingsEntry: async (c) => {
      const { name } = await readBody(c, deleteSettingsEntrySchema);
      return c.json(await engine.deleteSettingsEntry(settingsKind(c), name));
    },
    getTemplate: async (c) => c.json(await engine.getTemplate(param(c, 'name'))),
    testHost: async (c) => c.json(await engine.testHost(param(c, 'name'))),
    testProvider: async (c) => c.json(await engine.testProvider(param(c, 'name'))),
    modelServers: async (c) => c.json(await engine.modelServers()),
    stopModelServer: async (c) => c.json(await engine.stopModelServer(param(c, 'id'))),
  };
  for (const name of Object.keys(handlers) as EngineRoute[]) {
    app.on(routes[name].method, routes[name].path, handlers[name]);
  }
}

async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError(400, 'request body must be JSON');
  }
  return schema.parse(body);
}

function settingsKind(c: Context) {
  const parsed = settingsKindSchema.safeParse(param(c, 'kind'));
  if (!parsed.success) throw new ApiError(404, `no settings file "${param(c, 'kind')}" (known: providers, hosts)`);
  return parsed.data;
}

function param(c: Context, name: string): string {
  const value = c.req.param(name);
  if (value === undefined) throw new Error(`route has no :${name} parameter`);
  return value;
}
