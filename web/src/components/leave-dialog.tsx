import { useEffect, useRef } from 'react';

/**
 * Asks before leaving a page with unsaved changes: a modal `<dialog>` (focus
 * stays inside it, Escape is "Stay") whose "Stay" has focus first, so Enter
 * alone never loses work.
 */
export function LeaveDialog({ message, onLeave, onStay }: { message: string; onLeave: () => void; onStay: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current!;
    d.showModal();
    return () => d.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="panel leave-dialog"
      aria-labelledby="leave-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        onStay();
      }}
    >
      <h2 id="leave-dialog-title">Leave with unsaved changes?</h2>
      <p>{message}</p>
      <div className="inline-form">
        <button type="button" onClick={onStay} autoFocus>
          Stay
        </button>
        <button type="button" className="danger" onClick={onLeave}>
          Leave
        </button>
      </div>
    </dialog>
  );
}
