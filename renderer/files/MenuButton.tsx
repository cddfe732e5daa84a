import { type ReactNode, useState } from 'react';

/** A toolbar button that drops down a menu; `children` gets the function that closes it. */
export function MenuButton({
  label,
  title,
  children,
  state,
}: {
  label: string;
  title: string;
  children(close: () => void): ReactNode;
  /** Open state kept by the caller (e.g. a menu command opens it). */
  state?: { open: boolean; setOpen(open: boolean): void };
}) {
  const own = useState(false);
  const [open, setOpen] = state ? [state.open, state.setOpen] : own;
  const close = () => setOpen(false);
  return (
    <div className="menu-anchor">
      <button type="button" onClick={() => setOpen(!open)} title={title} aria-expanded={open}>
        {label} ▾
      </button>
      {open && (
        <div className="menu" role="menu" onMouseLeave={close}>
          {children(close)}
        </div>
      )}
    </div>
  );
}
