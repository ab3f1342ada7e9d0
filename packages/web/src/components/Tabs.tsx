import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabDef {
  id: string;
  label: string;
}

/**
 * Tabs after the WAI-ARIA Authoring Practices tabs pattern: a tablist of buttons, arrow keys / Home / End move
 * between tabs (automatic activation), only the selected tab is in the Tab order, one tabpanel shown.
 */
export function Tabs({ tabs, selected, onSelect, label, children }: { tabs: TabDef[]; selected: string; onSelect: (id: string) => void; label: string; children: ReactNode }) {
  const list = useRef<HTMLDivElement>(null);
  function onKey(e: KeyboardEvent<HTMLButtonElement>) {
    const i = tabs.findIndex((t) => t.id === selected);
    const next = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    const tab = tabs[next];
    if (next < 0 || !tab) return;
    e.preventDefault();
    onSelect(tab.id);
    list.current?.querySelector<HTMLButtonElement>(`#tab-${tab.id}`)?.focus();
  }
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} ref={list} className="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === selected}
            aria-controls={t.id === selected ? `panel-${t.id}` : undefined}
            tabIndex={t.id === selected ? 0 : -1}
            onClick={() => onSelect(t.id)}
            onKeyDown={onKey}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${selected}`} aria-labelledby={`tab-${selected}`} tabIndex={0} className="tabpanel">
        {children}
      </div>
    </div>
  );
}
