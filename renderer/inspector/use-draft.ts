import { type KeyboardEvent, useEffect, useState } from 'react';

/**
 * A text field's draft, committed when the field loses focus or on Enter (Escape reverts), so that typing a word is
 * one undo step and not one per key. An outside change of `value` (undo, another node) replaces the draft.
 */
export function useDraft(value: string, commit: (text: string) => void, options: { multiline?: boolean } = {}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => {
    setDraft(value);
  }, [value]);
  return {
    value: draft,
    onChange: (event: { target: { value: string } }) => setDraft(event.target.value),
    onBlur: () => {
      if (draft !== value) commit(draft);
    },
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key === 'Escape') setDraft(value);
      else if (event.key === 'Enter' && (!options.multiline || event.ctrlKey || event.metaKey)) {
        if (draft !== value) commit(draft);
      }
    },
  };
}
