// The one fake `vscode` module for every test that runs extension code in node (the extension's unit tests
// and test/reliability): `vi.mock('vscode', () => import('<path>/fake-vscode.js'))`. It behaves like VS Code
// where tests look (tree items, Markdown, URIs, settings that fire change events, input boxes a test types
// into, recorded notifications, in-memory secret storage); everything else is a harmless no-op.

type Listener<T> = (value: T) => unknown;

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class MarkdownString {
  value: string;
  isTrusted?: boolean | { enabledCommands: string[] };
  supportHtml?: boolean;
  constructor(
    value = '',
    readonly supportThemeIcons = false,
  ) {
    this.value = value;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  static from(parts: {
    scheme: string;
    authority?: string;
    path?: string;
    query?: string;
    fragment?: string;
  }): Uri {
    return new Uri(
      parts.scheme,
      parts.authority ?? '',
      parts.path ?? '',
      parts.query ?? '',
      parts.fragment ?? '',
    );
  }
  static parse(value: string): Uri {
    const u = new URL(value);
    return new Uri(u.protocol.replace(/:$/, ''), u.host, u.pathname, u.search.replace(/^\?/, ''), u.hash);
  }
  static file(path: string): Uri {
    return new Uri('file', '', path, '', '');
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}:${this.authority ? `//${this.authority}` : ''}${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  resourceUri?: Uri;
  command?: { command: string; title: string; arguments?: unknown[] };
  constructor(
    readonly label: string,
    readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class Disposable {
  constructor(private readonly fn: () => void) {}
  dispose(): void {
    this.fn();
  }
}

const disposable = () => new Disposable(() => {});

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  /** Calls every listener; returns what they returned (promises, for async handlers). */
  fire(value: T): unknown[] {
    return [...this.listeners].map((l) => l(value));
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  token = {
    isCancellationRequested: false,
    onCancellationRequested: this.emitter.event,
  };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
}

/** Settings the tests set: `workspace.getConfiguration('proget').get('servers')` reads `proget.servers`. */
export const settings: Record<string, unknown> = {};
const configChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();

export const workspace = {
  getConfiguration(section: string) {
    const key = (k: string) => `${section}.${k}`;
    return {
      get<T>(k: string, fallback?: T): T | undefined {
        const value = settings[key(k)];
        return (value === undefined ? fallback : value) as T | undefined;
      },
      inspect<T>(k: string) {
        return { globalValue: settings[key(k)] as T | undefined, workspaceValue: undefined };
      },
      async update(k: string, value: unknown) {
        settings[key(k)] = value;
        configChanged.fire({ affectsConfiguration: (s: string) => key(k).startsWith(s) });
      },
    };
  },
  onDidChangeConfiguration: configChanged.event,
  registerFileSystemProvider: disposable,
};

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export const StatusBarAlignment = { Left: 1, Right: 2 } as const;
export const InputBoxValidationSeverity = { Info: 1, Warning: 2, Error: 3 } as const;

export enum FileType {
  Unknown = 0,
  File = 1,
  Directory = 2,
}

export enum FilePermission {
  Readonly = 1,
}

export class FileSystemError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
  static FileNotFound(what?: unknown) {
    return new FileSystemError(String(what ?? ''), 'FileNotFound');
  }
  static NoPermissions(what?: unknown) {
    return new FileSystemError(String(what ?? ''), 'NoPermissions');
  }
  static Unavailable(what?: unknown) {
    return new FileSystemError(String(what ?? ''), 'Unavailable');
  }
}

export class FakeInputBox {
  value = '';
  title = '';
  prompt = '';
  placeholder = '';
  step?: number;
  totalSteps?: number;
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

/** A notification as shown: its text, options (`detail`, `modal`) and buttons. */
export interface ShownMessage {
  severity: 'info' | 'warning' | 'error';
  text: string;
  options?: { modal?: boolean; detail?: string };
  buttons: string[];
}

export const messages: string[] = [];
export const shown: ShownMessage[] = [];
/** What the next notification "clicks" (a button title), consumed by it; undefined dismisses. */
export const answers: (string | undefined)[] = [];

function notify(severity: ShownMessage['severity']) {
  return async (text: string, ...rest: unknown[]) => {
    const options =
      rest[0] && typeof rest[0] === 'object' ? (rest.shift() as ShownMessage['options']) : undefined;
    messages.push(text);
    shown.push({ severity, text, options, buttons: rest.map(String) });
    return answers.shift();
  };
}

export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;
export const ViewColumn = { Active: -1, Beside: -2, One: 1 } as const;

/** A webview panel as created: its options and the HTML last set. */
export class FakeWebviewPanel {
  disposed = false;
  readonly webview = { html: '', cspSource: 'vscode-resource:', options: {} as Record<string, unknown> };
  private readonly disposeEmitter = new EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  constructor(
    readonly viewType: string,
    public title: string,
    readonly options: Record<string, unknown>,
  ) {
    this.webview.options = options;
  }
  reveal(): void {}
  dispose(): void {
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}
export const panels: FakeWebviewPanel[] = [];

/** Progress reports made through `window.withProgress`; `cancelProgress` cancels the running one. */
export const progress: { title?: string; reports: { message?: string; increment?: number }[] }[] = [];
let runningProgress: CancellationTokenSource | undefined;
export function cancelProgress(): void {
  runningProgress?.cancel();
}
/** Set to cancel the next `withProgress` task as soon as it has started (as a click on Cancel would). */
export const progressPlan: {
  cancelNext: boolean;
  /** Cancels the running task at the first report this matches (a click on Cancel mid-way). */
  cancelWhen?: (report: { message?: string; increment?: number }) => boolean;
} = { cancelNext: false };

/** A quick pick the code created: tests read its items and pick one with `choose`. */
export class FakeQuickPick<T extends { label: string }> {
  items: readonly T[] = [];
  selectedItems: readonly T[] = [];
  activeItems: readonly T[] = [];
  value = '';
  title = '';
  placeholder = '';
  busy = false;
  step?: number;
  totalSteps?: number;
  matchOnDescription = false;
  matchOnDetail = false;
  ignoreFocusOut = false;
  disposed = false;
  private readonly accept = new EventEmitter<void>();
  private readonly hide_ = new EventEmitter<void>();
  private readonly change = new EventEmitter<string>();
  readonly onDidAccept = this.accept.event;
  readonly onDidHide = this.hide_.event;
  readonly onDidChangeValue = this.change.event;
  readonly onDidChangeSelection = new EventEmitter<readonly T[]>().event;
  /** A queued `quickPickAnswers` entry answers this pick too (after it is shown). */
  show(): void {
    const answer = quickPickAnswers.shift();
    if (!answer) return;
    setTimeout(() => {
      const chosen = answer(this.items as unknown as { label: string }[]) as T | undefined;
      if (chosen) void this.choose(chosen);
      else this.close();
    }, 0);
  }
  /** As in VS Code, disposing a visible pick hides it (onDidHide fires). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.hide_.fire();
  }
  close(): void {
    this.hide_.fire();
  }
  hide(): void {
    this.hide_.fire();
  }
  type(value: string): void {
    this.value = value;
    this.change.fire(value);
  }
  async choose(item: T): Promise<void> {
    this.selectedItems = [item];
    this.activeItems = [item];
    await Promise.all(this.accept.fire());
  }
}
export const quickPicks: FakeQuickPick<{ label: string }>[] = [];
/** What the next showQuickPick returns: a function choosing among the items (undefined dismisses). */
export const quickPickAnswers: ((items: { label: string }[]) => unknown)[] = [];
export const openDialogAnswers: (Uri[] | undefined)[] = [];

export const window = {
  state: { focused: true },
  createWebviewPanel(viewType: string, title: string, _column: unknown, options: Record<string, unknown>) {
    const panel = new FakeWebviewPanel(viewType, title, options ?? {});
    panels.push(panel);
    return panel;
  },
  async withProgress<R>(
    options: { title?: string },
    task: (
      p: { report(value: { message?: string; increment?: number }): void },
      token: CancellationTokenSource['token'],
    ) => Promise<R>,
  ): Promise<R> {
    const entry = { title: options.title, reports: [] as { message?: string; increment?: number }[] };
    progress.push(entry);
    const source = new CancellationTokenSource();
    runningProgress = source;
    try {
      const report = (v: { message?: string; increment?: number }) => {
        entry.reports.push(v);
        if (progressPlan.cancelWhen?.(v)) {
          progressPlan.cancelWhen = undefined;
          source.cancel();
        }
      };
      const running = task({ report }, source.token);
      if (progressPlan.cancelNext) {
        progressPlan.cancelNext = false;
        source.cancel();
      }
      return await running;
    } finally {
      if (runningProgress === source) runningProgress = undefined;
    }
  },
  createQuickPick() {
    const pick = new FakeQuickPick<{ label: string }>();
    quickPicks.push(pick);
    return pick;
  },
  async showQuickPick(items: unknown, _options?: unknown) {
    const list = (await items) as { label: string }[];
    const answer = quickPickAnswers.shift();
    return answer ? answer(list) : undefined;
  },
  async showOpenDialog() {
    return openDialogAnswers.shift();
  },
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
  showInformationMessage: notify('info'),
  showWarningMessage: notify('warning'),
  showErrorMessage: notify('error'),
  setStatusBarMessage: () => disposable(),
};

/** Commands run through `commands.executeCommand`, with their arguments. */
export const executed: { command: string; args: unknown[] }[] = [];

export const commands = {
  registerCommand: disposable,
  async executeCommand(command: string, ...args: unknown[]) {
    executed.push({ command, args });
    return undefined;
  },
};
/** The clipboard's last text is kept in `env.clipboard.text`. */
export const env = {
  openExternal: async () => true,
  clipboard: {
    text: '',
    async writeText(text: string) {
      env.clipboard.text = text;
    },
  },
};

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
