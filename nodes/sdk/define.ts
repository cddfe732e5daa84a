import { z } from 'zod';
import type { NodeContext } from './context.ts';
import type { DataType, JsonObject } from './data-types.ts';

interface PortSpec<T = unknown> {
  readonly type: DataType<T>;
  readonly description: string;
  /** Inputs are required unless marked optional; an unconnected optional input is an empty collection. */
  readonly optional?: boolean;
  /** An input that takes several edges; their items arrive concatenated in edge order. */
  readonly multiple?: boolean;
  /**
   * For outputs that pass items through (filters): the output carries whatever data type arrives at this input,
   * so a filter between two typed nodes keeps the connection typed.
   */
  readonly sameTypeAs?: string;
  /**
   * For a side input of a map node: each item sees only the side items whose `field` (a dotted path) equals the
   * mapped item's `itemField`, e.g. the captions of its video. Its cache key then holds that group, not the whole
   * side input, and the item may run while the side input is still growing (streaming).
   */
  readonly join?: JoinSpec;
}

export interface JoinSpec {
  readonly field: string;
  readonly itemField: string;
}

// `any` here lets one record hold ports of different item types; each port keeps its own type through `ItemOf`.
export type PortsSpec = { readonly [name: string]: PortSpec<any> };
type ItemOf<P> = P extends PortSpec<infer T> ? T : never;

/** The items arriving at an input port, read page by page from the run store: never all in memory unless asked. */
export interface ItemCollection<T> extends Iterable<T> {
  readonly count: number;
  page(offset: number, limit: number): T[];
  toArray(): T[];
  /**
   * The items grouped by the string value of a field (dotted path), built once per node run and shared by all
   * its items: how a map node joins a side input (e.g. captions by `id`) without scanning it per item.
   */
  groupBy(field: string): ReadonlyMap<string, readonly T[]>;
}

type CollectionInputs<I extends PortsSpec> = { [K in keyof I]: ItemCollection<ItemOf<I[K]>> };
/** A map node receives one item of its `over` port and the other inputs whole. */
type MapInputs<I extends PortsSpec, Over extends keyof I> = {
  [K in keyof I]: K extends Over ? ItemOf<I[K]> : ItemCollection<ItemOf<I[K]>>;
};
type MapOutputs<O extends PortsSpec> = { [K in keyof O]?: ItemOf<O[K]>[] };
type StreamOutputs<O extends PortsSpec> = {
  [K in keyof O]?: Iterable<ItemOf<O[K]>> | AsyncIterable<ItemOf<O[K]>>;
};

export type ConfigSchema = z.ZodObject<z.ZodRawShape>;

/** What `fingerprint` may use to describe the outside world a node depends on (input files, tool versions). */
export type FingerprintContext = Pick<NodeContext, 'storage' | 'media' | 'host' | 'log' | 'signal'>;

interface NodeDefinitionBase<C extends ConfigSchema, I extends PortsSpec, O extends PortsSpec> {
  /** Stable id, `<package>.<name>`, e.g. `core.llm-map`. Never renamed: graph files refer to it. */
  readonly type: string;
  /** Bumped when the config's meaning changes; `migrations[n]` upgrades a config from version n to n + 1. */
  readonly version: number;
  readonly title: string;
  readonly category: string;
  readonly description: string;
  readonly inputs: I;
  readonly outputs: O;
  readonly config: C;
  /**
   * False for nodes whose output may differ between runs with the same inputs (clock, unseeded randomness).
   * Such a node re-runs on every fresh run; a resumed run still reuses what it finished.
   */
  readonly deterministic?: boolean;
  /** External facts the output depends on beyond config and inputs: file content hashes, tool versions. */
  fingerprint?(ctx: FingerprintContext, config: z.output<C>): Promise<Record<string, string>>;
  readonly migrations?: Readonly<Record<number, (config: JsonObject) => JsonObject>>;
  /**
   * Marks a node whose output `port` holds one `ServedModel`, published as the provider profile named by its config
   * field `field`: nodes of the same graph naming that profile depend on it, and the engine starts the server when
   * they first call it.
   */
  readonly servesProfile?: { readonly port: keyof O & string; readonly field: keyof z.output<C> & string };
}

export interface MapNodeDefinition<
  C extends ConfigSchema = ConfigSchema,
  I extends PortsSpec = PortsSpec,
  O extends PortsSpec = PortsSpec,
  Over extends keyof I & string = keyof I & string,
> extends NodeDefinitionBase<C, I, O> {
  readonly mode: 'map';
  /** The input port whose items are mapped over, one call per item, concurrently. */
  readonly over: Over;
  /** Default for the node's `concurrency` setting. */
  readonly concurrency?: number;
  execute(ctx: NodeContext, inputs: MapInputs<I, Over>, config: z.output<C> & ExecutionSettings): Promise<MapOutputs<O>>;
}

interface OnceNodeDefinition<
  C extends ConfigSchema = ConfigSchema,
  I extends PortsSpec = PortsSpec,
  O extends PortsSpec = PortsSpec,
> extends NodeDefinitionBase<C, I, O> {
  readonly mode: 'once';
  /**
   * The node's output iterables yield its rows in their final order as they come (not all at the end): map nodes
   * downstream read them while the node runs. Its cache key and stored output are the same as when it is not read
   * early; a failure after some rows skips those readers, as a failing map node upstream would.
   */
  readonly streamsOutput?: boolean;
  /** The engine writes the returned ports one after the other, in the order of the object's keys. */
  execute(ctx: NodeContext, inputs: CollectionInputs<I>, config: z.output<C>): Promise<StreamOutputs<O>>;
}

/** The type-erased form the registry and the engine hold. */
export type NodeDefinition = MapNodeDefinition<ConfigSchema, PortsSpec, PortsSpec, string> | OnceNodeDefinition;

/** Settings every map node has; they change how a node runs, never what it computes, so they are not in the cache key. */
function executionSettings(defaultConcurrency = 8) {
  return z.object({
    concurrency: z.number().int().min(1).max(1024).default(defaultConcurrency).meta({
      description: 'Items processed at the same time.',
      'x-semantic': false,
    }),
    maxErrorRatio: z.number().min(0).max(1).default(0.1).meta({
      description:
        'The node fails when more than this share of its items fail; below it, failed items are recorded and skipped.',
      'x-semantic': false,
    }),
  });
}
type ExecutionSettings = z.output<ReturnType<typeof executionSettings>>;

export function defineMapNode<C extends ConfigSchema, I extends PortsSpec, O extends PortsSpec, Over extends keyof I & string>(
  definition: Omit<MapNodeDefinition<C, I, O, Over>, 'mode'>,
): NodeDefinition {
  const config = definition.config.extend(executionSettings(definition.concurrency).shape);
  return { ...definition, mode: 'map', config } as unknown as NodeDefinition;
}

export function defineOnceNode<C extends ConfigSchema, I extends PortsSpec, O extends PortsSpec>(
  definition: Omit<OnceNodeDefinition<C, I, O>, 'mode'>,
): NodeDefinition {
  return { ...definition, mode: 'once' } as unknown as NodeDefinition;
}
