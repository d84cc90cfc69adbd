import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, defaultConfig, type AlertRulesConfig, type KmswatchConfig } from './config.js';
import { AlertConfigError } from './errors.js';

/** Reads and validates a YAML or JSON config file (JSON is YAML). No file → defaults. */
export async function loadConfig(file?: string): Promise<KmswatchConfig> {
  if (!file) return defaultConfig();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AlertConfigError(`${file}: cannot read config: ${(err as Error).message}`, 'CONFIG_READ', file, undefined, undefined, {
      cause: err,
    });
  }
  return parseConfigText(text, file);
}

/**
 * The alert rules of a config file (`serve --config`, `alerts --config`): the same rules every
 * command evaluates. No file → the defaults. Errors as loadConfig's (AlertConfigError).
 */
export async function loadAlertRules(file?: string): Promise<AlertRulesConfig> {
  return (await loadConfig(file)).alerts;
}

export function parseConfigText(text: string, file: string): KmswatchConfig {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = lineOf(text, first.pos[0]);
    throw new AlertConfigError(
      `${file}${line ? `:${line}` : ''}: not valid YAML/JSON: ${first.message.split('\n')[0]}`,
      'CONFIG_PARSE',
      file,
      undefined,
      line,
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) throw invalid(result.error, file);
  return result.data;
}

function lineOf(text: string, offset: number): number | undefined {
  if (!Number.isFinite(offset) || offset < 0) return undefined;
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * A union (a source is `files:` or `wevtutil:`) reports "Invalid input" for the whole value; the
 * branch with the fewest complaints is the one the user meant, so its first issue is named.
 */
function innermost(issue: z.core.$ZodIssue): { issue: z.core.$ZodIssue; path: PropertyKey[] } {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path: issue.path };
  const branch = [...issue.errors].sort((a, b) => a.length - b.length)[0];
  if (!branch[0]) return { issue, path: issue.path };
  const inner = innermost(branch[0]);
  return { issue: inner.issue, path: [...issue.path, ...inner.path] };
}

function invalid(error: z.ZodError, file: string): AlertConfigError {
  const { issue, path } = innermost(error.issues[0]);
  const segments = path.map(String);
  // An unknown key is reported on its parent; name the key itself.
  if (issue.code === 'unrecognized_keys') segments.push(issue.keys[0]);
  const keyPath = segments.join('.') || '(root)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return new AlertConfigError(`${file}: ${keyPath}: ${issue.message}${more}`, 'CONFIG_INVALID', file, keyPath);
}
