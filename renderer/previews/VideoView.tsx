import { mediaUrl } from '../api/index.ts';
import { useServices } from '../app/services.tsx';
import { SourcesButton } from '../provenance/SourcesButton.tsx';
import { ItemPager, blobHashOf, clock, useItemCursor } from './ItemCursor.tsx';
import type { PreviewProps } from './registry.ts';

interface Video {
  path: string;
  duration: number;
  fps: number;
  width: number;
  height: number;
  sizeBytes: number;
}

/** A video item: the player (when the engine has the file) and its probe metadata. */
export function VideoView({ items, output }: PreviewProps) {
  const { server } = useServices();
  const { index, setIndex, item } = useItemCursor(items);
  const video = item?.data as Video | undefined;
  const hash = blobHashOf(item?.data);
  return (
    <div className="caption-view">
      <ItemPager index={index} total={items.total ?? 0} onChange={setIndex} label="video">
        {item && <SourcesButton output={output} seq={item.seq} />}
      </ItemPager>
      {video && (
        <div className="caption-media">
          {hash && <video key={hash} src={mediaUrl(server.baseUrl, server.token, hash)} controls preload="metadata" />}
          <div className="mono muted">
            {video.path} · {clock(video.duration)} · {video.width}×{video.height} · {video.fps} fps · {(video.sizeBytes / 1e6).toFixed(1)} MB
          </div>
        </div>
      )}
    </div>
  );
}
