import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import type { ComponentType, Manifest } from '../../../../scripts/make-app/manifest';

/** The Make app's folder and its files as Make's local-development layout lays them out. */
export const APP_DIR = path.resolve(__dirname, '../../../../connector/make');

export type { ComponentType, Manifest };

/** A JSONC file of the app, parsed; a syntax error fails with the file's name. */
export function readAppJson<T = any>(relative: string): T {
  const errors: ParseError[] = [];
  const value = parseJsonc(readFileSync(path.join(APP_DIR, relative), 'utf8'), errors, {
    allowTrailingComma: false,
  });
  if (errors.length) throw new Error(`${relative} is not valid JSONC (offset ${errors[0]!.offset})`);
  return value as T;
}

export const manifest = (): Manifest => readAppJson<Manifest>('makecomapp.json');

/** Every file under connector/make, relative to it. */
export function appFiles(): string[] {
  return (
    (readdirSync(APP_DIR, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      // .secrets/ holds a developer's Make API key for the VS Code extension; git ignores it.
      .filter((entry) => entry.isFile() && !path.relative(APP_DIR, entry.parentPath).startsWith('.secrets'))
      .map((entry) => path.relative(APP_DIR, path.join(entry.parentPath, entry.name)))
      .sort()
  );
}

/** One component's code, by code type (communication, attach, interface…), parsed. */
export function componentCode(type: ComponentType, id: string): Record<string, any> {
  const meta = manifest().components[type][id];
  if (!meta) throw new Error(`makecomapp.json has no ${type} "${id}"`);
  const code: Record<string, any> = {};
  for (const [kind, file] of Object.entries(meta.codeFiles)) if (file) code[kind] = readAppJson(file);
  return code;
}

export const base = () => readAppJson<Record<string, any>>(manifest().generalCodeFiles.base!);
