import { version } from '../../package.json';

/** The package version, inlined at build time by esbuild (and read directly under tsx). */
export const DLPO_VERSION: string = version;
