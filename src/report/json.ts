/** Pretty JSON with a final newline: the scripting output of every command. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
