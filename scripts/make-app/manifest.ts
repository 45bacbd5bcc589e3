/** The shape of connector/make/makecomapp.json (Make's local-development manifest), as this project uses it. */

export type ComponentType = 'connection' | 'webhook' | 'module' | 'rpc' | 'function' | 'endpoint';

export type IdPair = { local: string | null; remote: string | null };
export type IdMapping = Record<ComponentType, IdPair[]>;

export interface Component {
  label?: string;
  description?: string;
  moduleType?: string;
  actionCrud?: string;
  connection?: string | null;
  webhook?: string | null;
  webhookType?: string;
  connectionType?: string;
  /** Code type (communication, attach, mappableParams…) → file path, or null when not kept locally. */
  codeFiles: Record<string, string | null>;
}

export interface Origin {
  label?: string;
  baseUrl: string;
  appId: string;
  appVersion: number;
  apikeyFile: string;
  idMapping?: IdMapping;
}

export interface Manifest {
  fileVersion: number;
  generalCodeFiles: Record<'base' | 'common' | 'readme' | 'groups', string | null>;
  components: Record<ComponentType, Record<string, Component>>;
  origins: Origin[];
}
