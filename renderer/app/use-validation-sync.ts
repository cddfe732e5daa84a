import { useEffect } from 'react';
import { useServices } from './services.tsx';

/**
 * Asks the engine to validate the graph whenever its text changes, and when the settings it names profiles and hosts
 * from do; the errors feed the canvas and the inspector.
 */
export function useValidationSync(): void {
  const { engine, files, validation, settings } = useServices();
  useEffect(() => {
    let latest = 0;
    const check = (text: string | null) => {
      if (text === null) return;
      const request = ++latest;
      engine.validate(JSON.parse(text)).then(
        (result) => request === latest && validation.getState().set(result),
        (error: unknown) => request === latest && validation.getState().fail((error as Error).message),
      );
    };
    check(files.getState().currentText);
    const stopSettings = settings.subscribe(() => check(files.getState().currentText));
    const stopFiles = files.subscribe((state, previous) => {
      if (state.currentText !== previous.currentText) check(state.currentText);
    });
    return () => {
      stopSettings();
      stopFiles();
    };
  }, [engine, files, validation, settings]);
}
