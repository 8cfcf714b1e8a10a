/** This package's version; script names carry it so two versions on one Redis never share a script name. */
export const ADAPTER_VERSION = '0.1.0';
