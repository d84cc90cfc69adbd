import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertRulesSchema } from '../../src/alerts/config.js';
import { RULE_NAMES } from '../../src/alerts/types.js';
import { parseConfigText } from '../../src/alerts/load-config.js';
import { repoRoot } from '../helpers/paths.js';

describe('docs/alerts.md stays in sync', () => {
  it('lists every rule and every config key', async () => {
    const doc = await readFile(path.join(repoRoot, 'docs/alerts.md'), 'utf8');
    for (const rule of RULE_NAMES) expect(doc).toContain(`| \`${rule}\``);
    for (const key of Object.keys(alertRulesSchema.parse({}))) expect(doc).toContain(`(\`${key}\`)`);
  });

  it('the example config in deploy/ is valid', async () => {
    const file = path.join(repoRoot, 'deploy/kmswatch.example.yaml');
    const cfg = parseConfigText(await readFile(file, 'utf8'), file);
    expect(cfg.sources).toHaveLength(2);
  });
});
