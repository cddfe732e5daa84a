import { useMemo } from 'react';
import type { SettingsInfo } from '../../main/api/contract.ts';
import { useEditor } from '../app/services.tsx';
import type { CatalogIndex } from '../store/catalog-index.ts';

/** The provider profiles this graph's model-server nodes publish, offered beside the settings' profiles. */
export function useServedProfiles(catalog: CatalogIndex): SettingsInfo['providers'] {
  // A joined string, so the form re-renders only when a published name changes.
  const key = useEditor((s) =>
    s.nodes
      .flatMap((node) => {
        const info = catalog.nodeTypes.get(node.data.type);
        const serves = info?.servesProfile;
        if (!info || !serves) return [];
        const fallback = (info.configSchema.properties as Record<string, { default?: unknown }> | undefined)?.[serves.field]?.default;
        const name = node.data.config[serves.field] ?? fallback;
        const model = node.data.config.model;
        return typeof name === 'string' ? [`${name}\t${typeof model === 'string' && model ? model : 'a trained checkpoint'}\t${node.id}`] : [];
      })
      .join('\n'),
  );
  return useMemo(
    () =>
      key
        ? key.split('\n').map((line) => {
            const [name, model, nodeId] = line.split('\t') as [string, string, string];
            return { name, model, baseURL: `served by node "${nodeId}"` };
          })
        : [],
    [key],
  );
}
