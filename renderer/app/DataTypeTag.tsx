import { dataTypeColor } from '../store/catalog-index.ts';
import { useServices } from './services.tsx';

/** A data type's name beside its port colour, as the canvas draws it. */
export function DataTypeTag({ dataType }: { dataType: string }) {
  const { catalog } = useServices();
  return (
    <span className="data-type" data-type={dataType}>
      <i className="data-type-swatch" style={{ background: dataTypeColor(catalog, dataType) }} />
      {dataType}
    </span>
  );
}
