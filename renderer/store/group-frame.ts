/** The frame drawn around a group's nodes, and the room auto-layout leaves for it: one geometry for both. */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Room between a frame and its nodes at the sides and bottom. */
export const FRAME_PADDING = 16;
/** Room above the nodes for the group's title, which stays readable when the canvas is zoomed out. */
export const FRAME_TITLE_SPACE = 48;

/** The frame around `members` (their boxes in flow coordinates); undefined for none. */
export function frameAround(members: readonly Rect[]): Rect | undefined {
  if (members.length === 0) return undefined;
  const left = Math.min(...members.map((m) => m.x));
  const top = Math.min(...members.map((m) => m.y));
  const right = Math.max(...members.map((m) => m.x + m.width));
  const bottom = Math.max(...members.map((m) => m.y + m.height));
  return {
    x: left - FRAME_PADDING,
    y: top - FRAME_TITLE_SPACE,
    width: right - left + 2 * FRAME_PADDING,
    height: bottom - top + FRAME_TITLE_SPACE + FRAME_PADDING,
  };
}
