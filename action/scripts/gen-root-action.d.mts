export const ROOT_ACTION: string;
export const COMMANDS: string[];
export function renderRootAction(dir?: string): Promise<string>;
