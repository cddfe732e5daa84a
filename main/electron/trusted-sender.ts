import type { IpcMainInvokeEvent } from 'electron';

/** Every IPC request must come from the editor's own top-level frame. */
export function assertTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, engineOrigin: string): void {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || new URL(frame.url).origin !== engineOrigin) {
    throw new Error('IPC request refused: it does not come from the ReWatch Studio editor');
  }
}
