import { useEffect } from 'react';
import { useServices } from './services.tsx';

/** Asks the engine to validate the graph whenever its text changes; the errors feed the canvas and the inspector. */
export function useValidationSync(): void {
  const { engine, files, validation } = useServices();
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
    return files.subscribe((state, previous) => {
      if (state.currentText !== previous.currentText) check(state.currentText);
    });
  }, [engine, files, validation]);
}
