import { useStore } from 'zustand';
import { useServices } from './services.tsx';

export function Toasts() {
  const { toasts } = useServices();
  const list = useStore(toasts, (s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {list.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} onClick={() => toasts.getState().dismiss(toast.id)}>
          {toast.text}
        </div>
      ))}
    </div>
  );
}
