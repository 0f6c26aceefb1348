// A page object for the VS Code workbench in Chromium: the ProGet view, the command palette, quick
// inputs, dialogs, editors and the status bar, read from and driven through the DOM. Every wait is bounded.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Frame, type Locator, type Page } from 'playwright-core';
import { SCREENSHOT_DIR, WORK_DIR } from './codeServer.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface TreeRow {
  label: string;
  description: string;
  level: number;
  expanded?: boolean;
}

export class Workbench {
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(url: string, folder: string): Promise<Workbench> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: [] });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The status bar appears once the workbench has restored its parts.
    await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout: 60_000 });
    return new Workbench(browser, page);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  async screenshot(name: string): Promise<string> {
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  // --- ProGet view ----------------------------------------------------------------------------------

  async openProGetView(): Promise<void> {
    const item = this.page.locator('.activitybar .action-item a[aria-label^="ProGet"]').first();
    await item.waitFor({ timeout: 30_000 });
    const pane = this.viewPane();
    if (!(await pane.isVisible().catch(() => false))) await item.click();
    await pane.waitFor({ timeout: 30_000 });
  }

  viewPane(): Locator {
    return this.page.locator('.pane').filter({ has: this.page.locator('.pane-header[aria-label^="Feeds"]') });
  }

  /** The welcome view's text, when the view shows it. */
  async welcomeText(): Promise<string> {
    const welcome = this.viewPane().locator('.welcome-view-content');
    await welcome.waitFor({ timeout: 30_000 });
    return welcome.innerText();
  }

  async treeRows(): Promise<TreeRow[]> {
    return this.viewPane()
      .locator('.monaco-list-row')
      .evaluateAll((rows) =>
        rows.map((row) => ({
          label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
          level: Number(row.getAttribute('aria-level') ?? '0'),
          expanded: row.hasAttribute('aria-expanded')
            ? row.getAttribute('aria-expanded') === 'true'
            : undefined,
        })),
      );
  }

  row(label: string, level?: number): Locator {
    const rows = this.viewPane().locator(
      level === undefined ? '.monaco-list-row' : `.monaco-list-row[aria-level="${level}"]`,
    );
    return rows.filter({ has: this.page.locator('.label-name', { hasText: exactText(label) }) }).first();
  }

  /** Waits until a row with this label is shown; returns it. */
  async waitForRow(label: string | RegExp, timeout = 30_000): Promise<TreeRow> {
    const deadline = Date.now() + timeout;
    let rows: TreeRow[] = [];
    while (Date.now() < deadline) {
      rows = await this.treeRows();
      const found = rows.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
      if (found) return found;
      await this.page.waitForTimeout(200);
    }
    throw new Error(
      `No tree row "${label}" within ${timeout} ms; rows: ${JSON.stringify(rows.map((r) => r.label))}`,
    );
  }

  /** Expands a row; polls the DOM (rows are re-created as the list scrolls) and clicks again if ignored. */
  async expand(label: string, level?: number, timeout = 30_000): Promise<void> {
    const deadline = Date.now() + timeout;
    let lastClick = 0;
    let rows: TreeRow[] = [];
    while (Date.now() < deadline) {
      rows = await this.treeRows();
      const r = rows.find((x) => x.label === label && (level === undefined || x.level === level));
      if (r?.expanded === true) return;
      if (r && r.expanded === false && Date.now() - lastClick > 5_000) {
        await this.row(label, level).locator('.monaco-tl-twistie').click();
        lastClick = Date.now();
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`Row "${label}" did not expand within ${timeout} ms; rows: ${JSON.stringify(rows)}`);
  }

  async clickRow(label: string, level?: number): Promise<void> {
    await this.row(label, level).locator('.label-name').click();
  }

  /** Hovers a row and returns its tooltip (the hover widget) as text and HTML. */
  async rowTooltip(label: string, level: number | undefined, contains: string, timeout = 20_000) {
    await this.dismissMenus();
    await this.row(label, level).locator('.label-name').hover();
    const hover = this.page.locator('.monaco-hover', { hasText: contains }).first();
    await hover.waitFor({ timeout });
    return { text: await hover.innerText(), html: await hover.innerHTML() };
  }

  /** Hovers a row's action bar and clicks the inline action with this title. */
  async inlineAction(rowLabel: string, title: string, level?: number): Promise<void> {
    const row = this.row(rowLabel, level);
    await row.hover();
    await row.locator(`.actions .action-label[aria-label^="${title}"]`).click();
  }

  /** Clicks an action in the Feeds view's title bar (e.g. "Collapse All", "Refresh"). */
  async viewAction(title: string): Promise<void> {
    // With one view in the container, its actions sit in the side bar's title, not in a pane header.
    const sidebar = this.page.locator('.part.sidebar');
    await sidebar.locator('.title').first().hover();
    await sidebar.locator(`.title .action-label[aria-label^="${title}"]`).first().click();
  }

  /**
   * Right-clicks a row and chooses an entry of its context menu. Under load the workbench now and then
   * swallows the click on a menu entry (the menu stays open and nothing runs); the menu closing is the proof
   * the entry ran, so a swallowed click is retried with the keyboard, then with a fresh menu (bounded).
   */
  async contextMenu(rowLabel: string, entry: string, level?: number): Promise<string[]> {
    const menu = this.page.locator('.context-view .monaco-menu');
    let entries: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await this.dismissMenus();
      await this.row(rowLabel, level).locator('.label-name').click({ button: 'right' });
      await menu.waitFor();
      entries = (await menu.locator('.action-item .action-label').allInnerTexts())
        .map((t) => t.trim())
        .filter(Boolean);
      const item = menu.locator('.action-item', { hasText: exactText(entry) }).first();
      await item.hover();
      await item.click();
      if (await this.waitHidden(menu, 3_000)) return entries;
      // Still open: the hovered entry has the focus, so Enter chooses it.
      await item.hover();
      await this.page.keyboard.press('Enter');
      if (await this.waitHidden(menu, 3_000)) return entries;
    }
    throw new Error(
      `The context menu of "${rowLabel}" stayed open after choosing "${entry}"; entries: ${entries}`,
    );
  }

  /** Closes any open context menu (one left open would swallow the next click or hover). */
  async dismissMenus(): Promise<void> {
    const menu = this.page.locator('.context-view .monaco-menu');
    for (let i = 0; i < 3 && (await menu.isVisible().catch(() => false)); i++) {
      await this.page.keyboard.press('Escape');
      await this.waitHidden(menu, 2_000);
    }
  }

  private async waitHidden(locator: Locator, timeout: number): Promise<boolean> {
    return locator
      .waitFor({ state: 'hidden', timeout })
      .then(() => true)
      .catch(() => false);
  }

  // --- Command palette, quick input, dialogs ------------------------------------------------------

  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('.quick-input-box input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.quickInput().locator('.monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await this.page.keyboard.press('Enter');
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  async quickInputTitle(): Promise<string> {
    return (await this.quickInput().locator('.quick-input-title').innerText()).trim();
  }

  /** Waits for a quick input whose title contains `title`, types the value and presses Enter. */
  async answerInput(title: string | RegExp, value: string): Promise<void> {
    await this.waitForQuickInputTitle(title);
    const input = this.quickInput().locator('.quick-input-box input');
    await input.fill(value);
    await this.page.keyboard.press('Enter');
  }

  async waitForQuickInputTitle(title: string | RegExp, timeout = 30_000): Promise<void> {
    await this.quickInput()
      .locator('.quick-input-title', { hasText: title })
      .waitFor({ state: 'visible', timeout });
  }

  /** Waits until the quick input's message line (prompt or validation message) matches. */
  async waitForQuickInputMessage(match: RegExp, timeout = 30_000): Promise<string> {
    const message = this.quickInput().locator('.quick-input-message');
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      text = ((await message.textContent().catch(() => '')) ?? '').trim();
      if (match.test(text)) return text;
      await this.page.waitForTimeout(150);
    }
    throw new Error(`Quick input message did not match ${match} within ${timeout} ms; last: "${text}"`);
  }

  async pickQuickItem(label: string | RegExp): Promise<void> {
    const row = this.quickInput().locator('.monaco-list-row', { hasText: label }).first();
    await row.waitFor();
    await row.click();
  }

  async quickItems(): Promise<string[]> {
    await this.quickInput().locator('.monaco-list-row').first().waitFor();
    return this.quickInput()
      .locator('.monaco-list-row')
      .evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()));
  }

  async dialogText(): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    return (await dialog.innerText()).trim();
  }

  async clickDialogButton(label: string): Promise<void> {
    await this.page.locator('.monaco-dialog-box .monaco-button', { hasText: exactText(label) }).click();
  }

  async waitForNotification(text: string | RegExp, timeout = 30_000): Promise<string> {
    const toast = this.page.locator('.notification-toast', { hasText: text }).first();
    try {
      await toast.waitFor({ timeout });
      return (await toast.innerText()).trim();
    } catch (error) {
      // VS Code shows at most three toasts and queues the rest until older ones time out, which
      // needs window focus a loaded headless browser may not give. The notification was still
      // raised if the notification center lists it; that is what the tests assert.
      await this.runCommand('Notifications: Show Notifications');
      const item = this.page
        .locator('.notifications-center .notification-list-item', { hasText: text })
        .first();
      const found = await item
        .waitFor({ timeout: 5_000 })
        .then(() => item.innerText())
        .catch(() => undefined);
      await this.runCommand('Notifications: Hide Notifications').catch(() => undefined);
      if (found === undefined) throw error;
      return found.trim();
    }
  }

  /** Clears every notification, so that a toast a step waits for is not queued behind older ones. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notification-toast').first().waitFor({ state: 'hidden', timeout: 10_000 });
  }

  // --- Webviews -----------------------------------------------------------------------------------

  /**
   * The frame of the webview whose body shows `contains` (a webview's content sits in an inner frame of
   * the workbench's iframe). Polls every frame of the page until one matches; bounded by `timeout`.
   */
  async webviewFrame(contains: string | RegExp, timeout = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeout;
    let seen = 0;
    while (Date.now() < deadline) {
      const frames = this.page.frames();
      seen = frames.length;
      for (const frame of frames) {
        if (frame === this.page.mainFrame()) continue;
        const text = await frame
          .locator('body')
          .innerText({ timeout: 1_000 })
          .catch(() => '');
        if (typeof contains === 'string' ? text.includes(contains) : contains.test(text)) return frame;
      }
      await this.page.waitForTimeout(300);
    }
    throw new Error(`No webview showing ${contains} within ${timeout} ms (${seen} frames)`);
  }

  /** Text and HTML of the webview showing `contains`. */
  async webviewContent(
    contains: string | RegExp,
    timeout = 30_000,
  ): Promise<{ text: string; html: string; frame: Frame }> {
    const frame = await this.webviewFrame(contains, timeout);
    return { text: await frame.locator('body').innerText(), html: await frame.content(), frame };
  }

  // --- Explorer -------------------------------------------------------------------------------------

  /** Opens the Explorer and chooses an entry of a folder's or file's context menu (retried like contextMenu). */
  async explorerContextMenu(name: string, entry: string): Promise<string[]> {
    const explorer = this.page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first();
    const rowOf = () =>
      this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: exactText(name) }).first();
    if (
      !(await rowOf()
        .isVisible()
        .catch(() => false))
    )
      await explorer.click();
    await rowOf().waitFor({ timeout: 30_000 });
    const menu = this.page.locator('.context-view .monaco-menu');
    let entries: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await this.dismissMenus();
      await rowOf().click({ button: 'right' });
      await menu.waitFor();
      entries = (await menu.locator('.action-item .action-label').allInnerTexts())
        .map((t) => t.trim())
        .filter(Boolean);
      const item = menu.locator('.action-item', { hasText: exactText(entry) }).first();
      await item.hover();
      await item.click();
      if (await this.waitHidden(menu, 3_000)) return entries;
      await item.hover();
      await this.page.keyboard.press('Enter');
      if (await this.waitHidden(menu, 3_000)) return entries;
    }
    throw new Error(
      `The Explorer menu of "${name}" stayed open after choosing "${entry}"; entries: ${entries}`,
    );
  }

  // --- Editors and status bar ---------------------------------------------------------------------

  async activeTabTitle(): Promise<string> {
    const tab = this.page.locator('.tabs-container .tab.active .label-name');
    await tab.waitFor();
    return (await tab.innerText()).trim();
  }

  /** Waits until the visible editor shows `contains`; returns its text. */
  async editorText(contains: string, timeout = 30_000): Promise<string> {
    // Hidden editors stay in the DOM; read the visible one.
    const lines = this.page
      .locator('.editor-instance .monaco-editor .view-lines')
      .filter({ visible: true })
      .first();
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      text = ((await lines.innerText({ timeout: 1_000 }).catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
      if (text.includes(contains)) return text;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`Editor did not show "${contains}" within ${timeout} ms; text: "${text.slice(0, 200)}"`);
  }

  statusItem(): Locator {
    return this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item[id$="proget.health"]');
  }

  async statusText(): Promise<string> {
    return (await this.statusItem().innerText()).trim();
  }

  /** Waits until the ProGet status-bar item's text matches. */
  async waitForStatus(match: RegExp, timeout = 30_000): Promise<string> {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.statusText().catch(() => '');
      if (match.test(text)) return text;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`Status bar did not match ${match} within ${timeout} ms; last text: "${text}"`);
  }

  /** Waits until the item shows a codicon with this name (e.g. "warning"); returns the icons seen. */
  async waitForStatusIcon(name: string, timeout = 15_000): Promise<string[]> {
    const deadline = Date.now() + timeout;
    let icons: string[] = [];
    while (Date.now() < deadline) {
      icons = await this.statusIcons().catch(() => []);
      if (icons.includes(`codicon-${name}`)) return icons;
      await this.page.waitForTimeout(150);
    }
    throw new Error(`Status bar icon ${name} not shown within ${timeout} ms; icons: ${icons.join(', ')}`);
  }

  async statusIcons(): Promise<string[]> {
    return this.statusItem()
      .locator('.codicon')
      .evaluateAll((els) =>
        els.flatMap((e) => Array.from(e.classList).filter((c) => c.startsWith('codicon-'))),
      );
  }
}

function exactText(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

export { WORK_DIR };
