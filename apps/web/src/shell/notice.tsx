import { useEffect } from 'react';
import { useDesigner, useDesignerStore } from '../designer/store/context.tsx';
import './notice.css';

/** The latest notice (saved, refused drop, server unreachable), fading after a few seconds. */
export function NoticeToast() {
  const notice = useDesigner((s) => s.notice);
  const store = useDesignerStore();
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(
      () => {
        if (store.getState().notice?.id === notice.id) store.setState({ notice: null });
      },
      notice.tone === 'error' ? 8000 : 3000,
    );
    return () => clearTimeout(t);
  }, [notice, store]);
  if (!notice) return null;
  return (
    <div
      className={`toast toast--${notice.tone}`}
      role={notice.tone === 'error' ? 'alert' : 'status'}
      data-testid="notice"
    >
      <span>{notice.text}</span>
      <button
        type="button"
        className="btn btn--icon"
        aria-label="Dismiss"
        onClick={() => store.setState({ notice: null })}
      >
        ✕
      </button>
    </div>
  );
}
