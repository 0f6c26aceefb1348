// Just enough of the `vscode` module for the extension's servers, Add Server commands and health status bar
// to run in node: settings in a map, input boxes the test types into, everything else a harmless no-op.
// Installed with `vi.mock('vscode', () => import('./fake-vscode.js'))`.

type Listener<T> = (value: T) => unknown;

const disposable = () => ({ dispose() {} });

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };
  /** Calls every listener; returns what they returned (promises, for async handlers). */
  fire(value: T): unknown[] {
    return [...this.listeners].map((l) => l(value));
  }
  dispose(): void {
    this.listeners = [];
  }
}

export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 } as const;
export const StatusBarAlignment = { Left: 1, Right: 2 } as const;
export const InputBoxValidationSeverity = { Info: 1, Warning: 2, Error: 3 } as const;

export class MarkdownString {
  isTrusted = false;
  constructor(
    readonly value = '',
    readonly supportThemeIcons = false,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export const Uri = { parse: (value: string) => ({ toString: () => value }) };

/** `proget.*` settings. */
export const settings = new Map<string, unknown>();
const configChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();

export const workspace = {
  getConfiguration(section: string) {
    const key = (k: string) => `${section}.${k}`;
    return {
      get: <T>(k: string): T | undefined => settings.get(key(k)) as T | undefined,
      inspect: <T>(k: string) => ({
        globalValue: settings.get(key(k)) as T | undefined,
        workspaceValue: undefined,
      }),
      async update(k: string, value: unknown) {
        settings.set(key(k), value);
        configChanged.fire({ affectsConfiguration: (s: string) => key(k).startsWith(s) });
      },
    };
  },
  onDidChangeConfiguration: configChanged.event,
  registerFileSystemProvider: disposable,
};

export class FakeInputBox {
  value = '';
  title = '';
  prompt = '';
  placeholder = '';
  password = false;
  ignoreFocusOut = false;
  busy = false;
  enabled = true;
  validationMessage: unknown;
  disposed = false;
  private readonly accept = new EventEmitter<void>();
  private readonly hide = new EventEmitter<void>();
  private readonly change = new EventEmitter<string>();
  readonly onDidAccept = this.accept.event;
  readonly onDidHide = this.hide.event;
  readonly onDidChangeValue = this.change.event;
  show(): void {}
  dispose(): void {
    this.disposed = true;
  }
  /** Escape: the box is hidden. */
  close(): void {
    this.hide.fire();
  }
  /** Types `value` and presses Enter; resolves once the box has finished handling it. */
  async enter(value: string): Promise<void> {
    this.value = value;
    this.change.fire(value);
    await Promise.all(this.accept.fire());
  }
}

export const inputBoxes: FakeInputBox[] = [];
export const messages: string[] = [];

export const window = {
  state: { focused: true },
  onDidChangeWindowState: () => disposable(),
  createInputBox() {
    const box = new FakeInputBox();
    inputBoxes.push(box);
    return box;
  },
  createStatusBarItem() {
    return {
      text: '',
      tooltip: undefined as unknown,
      name: '',
      command: '',
      show() {},
      hide() {},
      dispose() {},
    };
  },
  async showInformationMessage(message: string) {
    messages.push(message);
    return undefined;
  },
  async showWarningMessage(message: string) {
    messages.push(message);
    return undefined;
  },
  async showErrorMessage(message: string) {
    messages.push(message);
    return undefined;
  },
};

export const commands = { registerCommand: disposable, executeCommand: async () => undefined };
export const env = { openExternal: async () => true };

/** VS Code's SecretStorage, in memory. */
export class FakeSecretStorage {
  readonly values = new Map<string, string>();
  private readonly changed = new EventEmitter<{ key: string }>();
  readonly onDidChange = this.changed.event;
  async get(key: string) {
    return this.values.get(key);
  }
  async store(key: string, value: string) {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
  async delete(key: string) {
    this.values.delete(key);
    this.changed.fire({ key });
  }
  async keys() {
    return [...this.values.keys()];
  }
}
