import type { Catalog, DataTypeInfo, NodeTypeInfo } from '../../main/api/contract.ts';

/** The catalog with lookups by node type and data type id. */
export interface CatalogIndex {
  catalog: Catalog;
  nodeTypes: ReadonlyMap<string, NodeTypeInfo>;
  dataTypes: ReadonlyMap<string, DataTypeInfo>;
}

export function indexCatalog(catalog: Catalog): CatalogIndex {
  return {
    catalog,
    nodeTypes: new Map(catalog.nodes.map((n) => [n.type, n])),
    dataTypes: new Map(catalog.dataTypes.map((t) => [t.id, t])),
  };
}

const FALLBACK_COLOR = '#9ca3af';

export function dataTypeColor(index: CatalogIndex, dataType: string | undefined): string {
  return (dataType && index.dataTypes.get(dataType)?.color) || FALLBACK_COLOR;
}
