import { useEffect, useRef } from 'react';

/**
 * Keeps the keyboard on an item moved with its "up"/"down" buttons (ids ending in -up and -down):
 * once `list` re-renders in its new order, the button pressed has focus again, or its other one
 * when the item reached an end and the pressed one is disabled. Call the result with the id of
 * the button pressed, before changing the list.
 */
export function useMoveFocus(list: unknown): (buttonId: string) => void {
  const pressed = useRef<string | null>(null);
  useEffect(() => {
    if (!pressed.current) return;
    const button = document.getElementById(pressed.current) as HTMLButtonElement | null;
    pressed.current = null;
    if (button?.disabled) {
      const other = button.id.endsWith('-up') ? '-down' : '-up';
      document.getElementById(button.id.replace(/-(up|down)$/, other))?.focus();
    } else button?.focus();
  }, [list]);
  return (buttonId) => {
    pressed.current = buttonId;
  };
}
