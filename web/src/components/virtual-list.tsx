import { useState, type ReactNode } from 'react';

/**
 * Renders only the rows in view (plus a margin) of a fixed-row-height list,
 * so a 10,000-node run's lists cost what a screenful costs.
 */
export function VirtualList<T>({ items, rowHeight, height, render, label }: { items: readonly T[]; rowHeight: number; height: number; render: (item: T, index: number) => ReactNode; label: string }) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - 10);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + 10);
  return (
    <div className="virtual" role="list" aria-label={label} style={{ maxHeight: height }} onScroll={(e) => setTop(e.currentTarget.scrollTop)}>
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>
        {items.slice(first, last).map((item, i) => (
          <div role="listitem" key={first + i} style={{ position: 'absolute', top: (first + i) * rowHeight, height: rowHeight, left: 0, right: 0 }}>
            {render(item, first + i)}
          </div>
        ))}
      </div>
    </div>
  );
}
