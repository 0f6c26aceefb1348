// Multi-step inputs look the same everywhere: one title for the whole flow (what is being done, to what),
// and VS Code's own step counter ("2/3") instead of step numbers written into titles.

import * as vscode from 'vscode';

export interface StepInfo {
  title: string;
  step: number;
  totalSteps: number;
}

/** One quick-pick step; undefined when dismissed. */
export function pickStep<T extends vscode.QuickPickItem>(
  items: T[],
  s: StepInfo & { placeholder?: string; matchOnDescription?: boolean },
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = s.title;
    pick.step = s.step;
    pick.totalSteps = s.totalSteps;
    pick.placeholder = s.placeholder;
    pick.matchOnDescription = s.matchOnDescription ?? true;
    pick.ignoreFocusOut = true;
    pick.items = items;
    let done = false;
    const finish = (value: T | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidAccept(() => finish(pick.selectedItems[0] ?? pick.activeItems[0]));
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}

/** One input-box step; `validate` says what is wrong in the input's words. Undefined when dismissed. */
export function inputStep(
  s: StepInfo & {
    prompt: string;
    value?: string;
    placeholder?: string;
    validate?: (value: string) => string | undefined;
  },
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = s.title;
    box.step = s.step;
    box.totalSteps = s.totalSteps;
    box.prompt = s.prompt;
    box.value = s.value ?? '';
    box.placeholder = s.placeholder ?? '';
    box.ignoreFocusOut = true;
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      box.dispose();
    };
    box.onDidChangeValue((value) => {
      box.validationMessage = s.validate?.(value.trim());
    });
    box.onDidAccept(() => {
      const problem = s.validate?.(box.value.trim());
      if (problem) {
        box.validationMessage = problem;
        return;
      }
      finish(box.value.trim());
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}
