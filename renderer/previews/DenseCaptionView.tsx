import { useRef, useState } from 'react';
import type { ClipSampling } from '../../nodes/rewatch/types.ts';
import { mediaUrl } from '../api/index.ts';
import { SourcesButton } from '../provenance/SourcesButton.tsx';
import { useServices } from '../app/services.tsx';
import { ItemPager, blobHashOf, clock, useItemCursor } from './ItemCursor.tsx';
import type { PreviewProps } from './registry.ts';
import { SamplingStrip } from './rewatch/SamplingStrip.tsx';

interface CaptionEvent {
  start: number;
  end: number;
  text: string;
  flags?: string[];
}

interface DenseCaption {
  videoPath: string;
  duration: number;
  events: CaptionEvent[];
  unparsed?: { segment: number; line: string }[];
  sampling?: ClipSampling[];
}

/** The seconds the timeline spans, and where a time lies on it (a CSS length). */
function timelineScale(caption: DenseCaption) {
  const span = caption.duration || Math.max(1, ...caption.events.map((e) => e.end));
  return { span, at: (seconds: number) => `${Math.min(100, (seconds / span) * 100)}%` };
}

function Timeline({ caption, time, onSeek }: { caption: DenseCaption; time: number; onSeek(seconds: number): void }) {
  const { span, at } = timelineScale(caption);
  return (
    <div
      className="timeline"
      onClick={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        onSeek(((e.clientX - box.left) / box.width) * span);
      }}
      title="Click to seek"
    >
      {caption.events.map((event, i) => (
        <div
          key={i}
          className={`timeline-event${time >= event.start && time < event.end ? ' current' : ''}`}
          style={{ left: at(event.start), width: `calc(${at(event.end - event.start)} - 1px)` }}
          title={`${clock(event.start)}–${clock(event.end)} ${event.text}`}
        />
      ))}
      <div className="timeline-playhead" style={{ left: at(time) }} />
    </div>
  );
}

/** A dense caption over its video: the events on a timeline and as a list; clicking one seeks the video there. */
export function DenseCaptionView({ items, output }: PreviewProps) {
  const { server } = useServices();
  const { index, setIndex, item } = useItemCursor(items);
  const video = useRef<HTMLVideoElement>(null);
  const [time, setTime] = useState(0);
  const [videoFailed, setVideoFailed] = useState(false);
  const caption = item?.data as DenseCaption | undefined;
  const hash = blobHashOf(item?.data);

  const seek = (seconds: number) => {
    setTime(seconds);
    if (video.current) video.current.currentTime = seconds;
  };

  const pick = (next: number) => {
    setIndex(next);
    setTime(0);
    setVideoFailed(false);
  };

  return (
    <div className="caption-view">
      <ItemPager index={index} total={items.total ?? 0} onChange={pick} label="caption">
        {item && <SourcesButton output={output} seq={item.seq} />}
      </ItemPager>
      {!caption ? (
        <p className="muted">loading…</p>
      ) : (
        <>
          <Timeline caption={caption} time={time} onSeek={seek} />
          {caption.sampling && <SamplingStrip sampling={caption.sampling} at={timelineScale(caption).at} />}
          <div className="caption-body">
            <div className="caption-media">
              {hash && !videoFailed ? (
                <video
                  key={hash}
                  ref={video}
                  src={mediaUrl(server.baseUrl, server.token, hash)}
                  controls
                  preload="metadata"
                  onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
                  onError={() => setVideoFailed(true)}
                  data-testid="caption-video"
                />
              ) : (
                <div className="no-video muted">The engine has no copy of this video to play.</div>
              )}
              <div className="mono muted caption-path" title={caption.videoPath}>
                {caption.videoPath} · {clock(caption.duration)}
              </div>
            </div>
            <ol className="caption-events">
              {caption.events.map((event, i) => {
                const current = time >= event.start && time < event.end;
                return (
                  <li key={i} className={current ? 'current' : ''} data-testid="caption-event" data-current={current} onClick={() => seek(event.start)}>
                    <span className="mono">
                      {clock(event.start)}–{clock(event.end)}
                    </span>{' '}
                    {event.text}
                    {event.flags?.map((flag) => (
                      <span key={flag} className="tag warn">
                        {flag}
                      </span>
                    ))}
                  </li>
                );
              })}
              {caption.unparsed?.map((u, i) => (
                <li key={`u${i}`} className="unparsed" title="A caption line the parser could not read">
                  segment {u.segment}: {u.line}
                </li>
              ))}
            </ol>
          </div>
        </>
      )}
    </div>
  );
}
