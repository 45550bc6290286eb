/**
 * The ARGs every build knows without an ARG line. The proxy ones may be passed with --build-arg
 * undeclared and are left out of the image history; the platform ones are set by the builder
 * from the build and target platforms (in the global scope, and in a stage once it redeclares
 * them with a bare `ARG NAME`).
 */
export const PROXY_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

export const PLATFORM_ARGS: readonly string[] = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
];

export const PREDEFINED_ARGS: readonly string[] = [...PROXY_ARGS, ...PLATFORM_ARGS];

export function isPredefinedArg(name: string): boolean {
  return PREDEFINED_ARGS.includes(name);
}

export function isProxyArg(name: string): boolean {
  return PROXY_ARGS.includes(name);
}

/** An OCI platform: `linux`, `arm64`, `v8`. */
export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

/** `os/arch[/variant]`, as BUILDPLATFORM and TARGETPLATFORM show it. */
export function formatPlatform(p: PlatformSpec): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** The values of the eight platform ARGs; a variant-less platform gives an empty *VARIANT. */
export function platformArgValues(build: PlatformSpec, target: PlatformSpec): Record<string, string> {
  return {
    BUILDPLATFORM: formatPlatform(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
    TARGETPLATFORM: formatPlatform(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
  };
}
