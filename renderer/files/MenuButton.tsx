import { type ReactNode, useState } from 'react';

/** A toolbar button that drops down a menu; `children` gets the function that closes it. */
export function MenuButton({ label, title, children }: { label: string; title: string; children(close: () => void): ReactNode }) {
  const [open, setOpen] = useState(false);
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
