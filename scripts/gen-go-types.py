#!/usr/bin/env python3
"""Derives the Go type table that `inspect --format` evaluates against.

docker's CLI decodes inspect answers into typed Go structs before running a template, so a
null field prints as its type's zero value and a struct prints in Go's field order. berth
gives the template data the same shape from a compact table, written once by this script:

    python3 scripts/gen-go-types.py <engine-api.yaml> > src/cli/template/go-types.ts

Field sets and kinds come from the Engine API spec. The spec does not say how the Go types
are laid out (field order, embedded structs, pointers, time and duration types), so LAYOUT
below records that for the structs the inspect answers use; structs it does not list take
the spec's order.
"""
import sys
import yaml

# Go type name of each spec definition reached from the inspect answers.
NAMES = {
    'ContainerInspectResponse': 'container.InspectResponse',
    'ContainerState': 'container.State',
    'Health': 'container.Health',
    'HealthcheckResult': 'container.HealthcheckResult',
    'HostConfig': 'container.HostConfig',
    'Resources': 'container.Resources',
    'RestartPolicy': 'container.RestartPolicy',
    'PortBinding': 'nat.PortBinding',
    'ContainerConfig': 'container.Config',
    'HealthConfig': 'container.HealthConfig',
    'NetworkSettings': 'container.NetworkSettings',
    'EndpointSettings': 'network.EndpointSettings',
    'EndpointIPAMConfig': 'network.EndpointIPAMConfig',
    'Address': 'network.Address',
    'MountPoint': 'container.MountPoint',
    'Mount': 'mount.Mount',
    'DriverData': 'storage.DriverData',
    'OCIDescriptor': 'v1.Descriptor',
    'OCIPlatform': 'v1.Platform',
    'ImageInspect': 'image.InspectResponse',
    'ImageConfig': 'v1.DockerOCIImageConfig',
    'ImageManifestSummary': 'image.ManifestSummary',
    'DeviceMapping': 'container.DeviceMapping',
    'DeviceRequest': 'container.DeviceRequest',
    'ThrottleDevice': 'blkiodev.ThrottleDevice',
    'Network': 'network.Inspect',
    'IPAM': 'network.IPAM',
    'IPAMConfig': 'network.IPAMConfig',
    'NetworkContainer': 'network.EndpointResource',
    'PeerInfo': 'network.PeerInfo',
    'ConfigReference': 'network.ConfigReference',
}

# Go layout: (Go field name, Go type or None to take the spec's kind, JSON name if it differs).
# An embedded struct has the name ''. Types: *T, []T, [N]T, map[string]T, string, bool, int,
# uint, float, any, time.Time, time.Duration, struct{}, or a struct name of this table.
LAYOUT = {
    'container.InspectResponse': [
        ('', '*container.ContainerJSONBase', None),
        ('Mounts', '[]container.MountPoint', None),
        ('Config', '*container.Config', None),
        ('NetworkSettings', '*container.NetworkSettings', None),
        ('ImageManifestDescriptor', '*v1.Descriptor', None),
    ],
    'container.ContainerJSONBase': [
        ('ID', 'string', 'Id'), ('Created', 'string', None), ('Path', 'string', None), ('Args', '[]string', None),
        ('State', '*container.State', None), ('Image', 'string', None), ('ResolvConfPath', 'string', None),
        ('HostnamePath', 'string', None), ('HostsPath', 'string', None), ('LogPath', 'string', None),
        ('Name', 'string', None), ('RestartCount', 'int', None), ('Driver', 'string', None), ('Platform', 'string', None),
        ('MountLabel', 'string', None), ('ProcessLabel', 'string', None), ('AppArmorProfile', 'string', None),
        ('ExecIDs', '[]string', None), ('HostConfig', '*container.HostConfig', None),
        ('GraphDriver', 'storage.DriverData', None), ('SizeRw', '*int', None), ('SizeRootFs', '*int', None),
    ],
    'container.State': [
        ('Status', None, None), ('Running', None, None), ('Paused', None, None), ('Restarting', None, None),
        ('OOMKilled', None, None), ('Dead', None, None), ('Pid', None, None), ('ExitCode', None, None),
        ('Error', None, None), ('StartedAt', None, None), ('FinishedAt', None, None), ('Health', '*container.Health', None),
    ],
    'container.Health': [('Status', None, None), ('FailingStreak', None, None), ('Log', '[]*container.HealthcheckResult', None)],
    'container.HealthcheckResult': [('Start', 'time.Time', None), ('End', 'time.Time', None), ('ExitCode', None, None), ('Output', None, None)],
    'storage.DriverData': [('Data', None, None), ('Name', None, None)],
    'container.Config': [
        ('Hostname', None, None), ('Domainname', None, None), ('User', None, None), ('AttachStdin', None, None),
        ('AttachStdout', None, None), ('AttachStderr', None, None), ('ExposedPorts', 'map[string]struct{}', None),
        ('Tty', None, None), ('OpenStdin', None, None), ('StdinOnce', None, None), ('Env', None, None), ('Cmd', None, None),
        ('Healthcheck', '*container.HealthConfig', None), ('ArgsEscaped', None, None), ('Image', None, None),
        ('Volumes', 'map[string]struct{}', None), ('WorkingDir', None, None), ('Entrypoint', None, None),
        ('NetworkDisabled', None, None), ('MacAddress', None, None), ('OnBuild', None, None), ('Labels', None, None),
        ('StopSignal', None, None), ('StopTimeout', '*int', None), ('Shell', None, None),
    ],
    'container.HealthConfig': [
        ('Test', None, None), ('Interval', 'time.Duration', None), ('Timeout', 'time.Duration', None),
        ('StartPeriod', 'time.Duration', None), ('StartInterval', 'time.Duration', None), ('Retries', None, None),
    ],
    'container.HostConfig': [
        ('Binds', None, None), ('ContainerIDFile', None, None), ('LogConfig', 'container.LogConfig', None),
        ('NetworkMode', None, None), ('PortBindings', 'map[string][]nat.PortBinding', None),
        ('RestartPolicy', 'container.RestartPolicy', None), ('AutoRemove', None, None), ('VolumeDriver', None, None),
        ('VolumesFrom', None, None), ('ConsoleSize', '[2]uint', None), ('Annotations', None, None),
        ('CapAdd', None, None), ('CapDrop', None, None), ('CgroupnsMode', None, None), ('DNS', '[]string', 'Dns'),
        ('DNSOptions', '[]string', 'DnsOptions'), ('DNSSearch', '[]string', 'DnsSearch'), ('ExtraHosts', None, None),
        ('GroupAdd', None, None), ('IpcMode', None, None), ('Cgroup', None, None), ('Links', None, None),
        ('OomScoreAdj', None, None), ('PidMode', None, None), ('Privileged', None, None), ('PublishAllPorts', None, None),
        ('ReadonlyRootfs', None, None), ('SecurityOpt', None, None), ('StorageOpt', None, None), ('Tmpfs', None, None),
        ('UTSMode', None, None), ('UsernsMode', None, None), ('ShmSize', None, None), ('Sysctls', None, None),
        ('Runtime', None, None), ('Isolation', None, None), ('', 'container.Resources', None),
        ('Mounts', '[]mount.Mount', None), ('MaskedPaths', None, None), ('ReadonlyPaths', None, None), ('Init', '*bool', None),
    ],
    'container.LogConfig': [('Type', 'string', None), ('Config', 'map[string]string', None)],
    'container.Resources': [
        ('CPUShares', 'int', 'CpuShares'), ('Memory', None, None), ('NanoCPUs', 'int', 'NanoCpus'),
        ('CgroupParent', None, None), ('BlkioWeight', None, None),
        ('BlkioWeightDevice', '[]*blkiodev.WeightDevice', None), ('BlkioDeviceReadBps', '[]*blkiodev.ThrottleDevice', None),
        ('BlkioDeviceWriteBps', '[]*blkiodev.ThrottleDevice', None), ('BlkioDeviceReadIOps', '[]*blkiodev.ThrottleDevice', None),
        ('BlkioDeviceWriteIOps', '[]*blkiodev.ThrottleDevice', None), ('CPUPeriod', 'int', 'CpuPeriod'),
        ('CPUQuota', 'int', 'CpuQuota'), ('CPURealtimePeriod', 'int', 'CpuRealtimePeriod'),
        ('CPURealtimeRuntime', 'int', 'CpuRealtimeRuntime'), ('CpusetCpus', None, None), ('CpusetMems', None, None),
        ('Devices', None, None), ('DeviceCgroupRules', None, None), ('DeviceRequests', None, None),
        ('KernelMemory', 'int', None), ('KernelMemoryTCP', None, None), ('MemoryReservation', None, None),
        ('MemorySwap', None, None), ('MemorySwappiness', '*int', None), ('OomKillDisable', '*bool', None),
        ('PidsLimit', '*int', None), ('Ulimits', '[]*units.Ulimit', None), ('CPUCount', 'int', 'CpuCount'),
        ('CPUPercent', 'int', 'CpuPercent'), ('IOMaximumIOps', None, None), ('IOMaximumBandwidth', None, None),
    ],
    'blkiodev.WeightDevice': [('Path', 'string', None), ('Weight', 'uint', None)],
    'units.Ulimit': [('Name', 'string', None), ('Hard', 'int', None), ('Soft', 'int', None)],
    'container.NetworkSettings': [
        ('', 'container.NetworkSettingsBase', None), ('', 'container.DefaultNetworkSettings', None),
        ('Networks', 'map[string]*network.EndpointSettings', None),
    ],
    'container.NetworkSettingsBase': [
        ('Bridge', 'string', None), ('SandboxID', 'string', None), ('SandboxKey', 'string', None),
        ('Ports', 'map[string][]nat.PortBinding', None), ('HairpinMode', 'bool', None),
        ('LinkLocalIPv6Address', 'string', None), ('LinkLocalIPv6PrefixLen', 'int', None),
        ('SecondaryIPAddresses', '[]network.Address', None), ('SecondaryIPv6Addresses', '[]network.Address', None),
    ],
    'container.DefaultNetworkSettings': [
        ('EndpointID', 'string', None), ('Gateway', 'string', None), ('GlobalIPv6Address', 'string', None),
        ('GlobalIPv6PrefixLen', 'int', None), ('IPAddress', 'string', None), ('IPPrefixLen', 'int', None),
        ('IPv6Gateway', 'string', None), ('MacAddress', 'string', None),
    ],
    'network.EndpointSettings': [
        ('IPAMConfig', '*network.EndpointIPAMConfig', None), ('Links', None, None), ('Aliases', None, None),
        ('MacAddress', None, None), ('DriverOpts', None, None), ('GwPriority', None, None), ('NetworkID', None, None),
        ('EndpointID', None, None), ('Gateway', None, None), ('IPAddress', None, None), ('IPPrefixLen', None, None),
        ('IPv6Gateway', None, None), ('GlobalIPv6Address', None, None), ('GlobalIPv6PrefixLen', None, None),
        ('DNSNames', None, None),
    ],
    'nat.PortBinding': [('HostIP', 'string', 'HostIp'), ('HostPort', 'string', None)],
    'v1.Descriptor': [
        ('MediaType', 'string', 'mediaType'), ('Digest', 'string', 'digest'), ('Size', 'int', 'size'),
        ('URLs', '[]string', 'urls'), ('Annotations', 'map[string]string', 'annotations'), ('Data', '[]uint', 'data'),
        ('Platform', '*v1.Platform', 'platform'), ('ArtifactType', 'string', 'artifactType'),
    ],
    'v1.Platform': [
        ('Architecture', 'string', 'architecture'), ('OS', 'string', 'os'), ('OSVersion', 'string', 'os.version'),
        ('OSFeatures', '[]string', 'os.features'), ('Variant', 'string', 'variant'),
    ],
    'image.InspectResponse': [
        ('ID', 'string', 'Id'), ('RepoTags', None, None), ('RepoDigests', None, None), ('Parent', None, None),
        ('Comment', None, None), ('Created', None, None), ('Container', 'string', None),
        ('ContainerConfig', '*container.Config', None), ('DockerVersion', None, None), ('Author', None, None),
        ('Config', '*v1.DockerOCIImageConfig', None), ('Architecture', None, None), ('Variant', None, None),
        ('Os', None, None), ('OsVersion', None, None), ('Size', None, None), ('VirtualSize', 'int', None),
        ('GraphDriver', 'storage.DriverData', None), ('RootFS', 'image.RootFS', None), ('Metadata', 'image.Metadata', None),
        ('Descriptor', '*v1.Descriptor', None), ('Manifests', '[]image.ManifestSummary', None),
    ],
    'image.RootFS': [('Type', 'string', None), ('Layers', '[]string', None)],
    'image.Metadata': [('LastTagTime', 'time.Time', None)],
    'network.Inspect': [
        ('Name', None, None), ('ID', 'string', 'Id'), ('Created', 'time.Time', None), ('Scope', None, None), ('Driver', None, None),
        ('EnableIPv4', None, None), ('EnableIPv6', None, None), ('IPAM', 'network.IPAM', None), ('Internal', None, None),
        ('Attachable', None, None), ('Ingress', None, None), ('ConfigFrom', 'network.ConfigReference', None), ('ConfigOnly', None, None),
        ('Containers', 'map[string]network.EndpointResource', None), ('Options', None, None), ('Labels', None, None),
        ('Peers', '[]network.PeerInfo', None),
    ],
    'network.IPAM': [('Driver', None, None), ('Options', None, None), ('Config', '[]network.IPAMConfig', None)],
    'network.IPAMConfig': [('Subnet', None, None), ('IPRange', None, None), ('Gateway', None, None), ('AuxAddress', 'map[string]string', 'AuxiliaryAddresses')],
    'v1.DockerOCIImageConfig': [('', 'v1.ImageConfig', None), ('', 'v1.DockerOCIImageConfigExt', None)],
    'v1.ImageConfig': [
        ('User', 'string', None), ('ExposedPorts', 'map[string]struct{}', None), ('Env', '[]string', None),
        ('Entrypoint', '[]string', None), ('Cmd', '[]string', None), ('Volumes', 'map[string]struct{}', None),
        ('WorkingDir', 'string', None), ('Labels', 'map[string]string', None), ('StopSignal', 'string', None),
        ('ArgsEscaped', 'bool', None),
    ],
    'v1.DockerOCIImageConfigExt': [
        ('Healthcheck', '*container.HealthConfig', None), ('OnBuild', '[]string', None), ('Shell', '[]string', None),
    ],
}

# Fields Go leaves out of JSON when empty (`json:",omitempty"`); `json` in a template marshals
# the struct again, so these decide what it prints.
OMITEMPTY = {
    'container.ContainerJSONBase': {'SizeRw', 'SizeRootFs'},
    'container.State': {'Health'},
    'container.Config': {'ExposedPorts', 'Healthcheck', 'ArgsEscaped', 'NetworkDisabled', 'MacAddress',
                         'StopSignal', 'StopTimeout', 'Shell'},
    'container.HostConfig': {'Annotations', 'StorageOpt', 'Tmpfs', 'Sysctls', 'Runtime', 'Mounts', 'Init'},
    'container.Resources': {'KernelMemory', 'KernelMemoryTCP'},
    'container.MountPoint': {'Type', 'Name', 'Driver'},
    'image.InspectResponse': {'Container', 'ContainerConfig', 'Variant', 'OsVersion', 'VirtualSize',
                              'Descriptor', 'Manifests'},
    'v1.ImageConfig': {'User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels',
                       'StopSignal', 'ArgsEscaped'},
    'v1.DockerOCIImageConfigExt': {'Healthcheck', 'OnBuild', 'Shell'},
    'v1.Descriptor': {'URLs', 'Annotations', 'Data', 'Platform', 'ArtifactType'},
    'v1.Platform': {'OSVersion', 'OSFeatures', 'Variant'},
    'network.Inspect': {'Peers'},
    'network.IPAMConfig': {'Subnet', 'IPRange', 'Gateway', 'AuxAddress'},
}


def kind(spec, owner, field, defs, pending):
    """The Go type expression of one spec schema."""
    if '$ref' in spec:
        return named(spec['$ref'], defs, pending)
    if 'allOf' in spec and len(spec['allOf']) == 1 and '$ref' in spec['allOf'][0]:
        return named(spec['allOf'][0]['$ref'], defs, pending)
    t = spec.get('type')
    if t == 'string':
        return 'string'
    if t == 'integer':
        return 'int'
    if t == 'number':
        return 'float'
    if t == 'boolean':
        return 'bool'
    if t == 'array':
        return '[]' + kind(spec.get('items', {}), owner, field, defs, pending)
    if t == 'object' or 'properties' in spec or 'additionalProperties' in spec:
        extra = spec.get('additionalProperties')
        if 'properties' in spec and not extra:
            name = f'{owner}{field}'
            pending[name] = spec
            return name
        if isinstance(extra, dict) and extra:
            if extra.get('type') == 'object' and extra.get('enum') == [{}]:
                return 'map[string]struct{}'
            return 'map[string]' + kind(extra, owner, field, defs, pending)
        return 'map[string]any'
    return 'any'


def named(ref, defs, pending):
    name = ref.split('/')[-1]
    spec = defs[name]
    # a named string or map in the spec (MountType, PortMap) is that kind in Go
    if 'properties' not in spec and 'allOf' not in spec:
        return kind(spec, name, '', defs, pending)
    return NAMES.get(name, f'api.{name}')


def fields_of(spec, go, defs, pending):
    """The spec's fields of a definition, allOf parts first, as (name, kind, json)."""
    out = []
    for part in spec.get('allOf', []):
        if '$ref' in part:
            out += fields_of(defs[part['$ref'].split('/')[-1]], go, defs, pending)
        else:
            out += fields_of(part, go, defs, pending)
    for prop, sub in (spec.get('properties') or {}).items():
        name = prop[0].upper() + prop[1:].replace('.', '')
        out.append((name, kind(sub, go, name, defs, pending), prop))
    return out


def main():
    spec = yaml.safe_load(open(sys.argv[1]))
    defs = spec['definitions']
    reverse = {go: name for name, go in NAMES.items()}
    table = {}
    inline = {}  # Go name -> spec of objects defined inside another definition
    queue = ['container.InspectResponse', 'image.InspectResponse', 'network.Inspect']
    while queue:
        go = queue.pop()
        if go in table:
            continue
        source = inline.get(go) or defs.get(reverse.get(go, ''), {})
        from_spec = {j: k for _, k, j in fields_of(source, go, defs, inline)} if source else {}
        if go in LAYOUT:
            rows = []
            for name, typ, json_name in LAYOUT[go]:
                j = json_name or name
                t = typ or from_spec.get(j)
                if t is None:
                    sys.exit(f'{go}.{name}: not in the spec, give its Go type')
                rows.append((name, t, j))
        else:
            if not source:
                sys.exit(f'{go}: neither in the spec nor in LAYOUT')
            rows = fields_of(source, go, defs, inline)
        table[go] = rows
        queue += [ref for _, k, _ in rows for ref in refs(k)]
    print('// Generated by scripts/gen-go-types.py from the Engine API spec; do not edit, rerun the script.')
    print('// Go struct layouts docker decodes inspect answers into: [Go field, Go type, JSON tag if other],')
    print('// the tag being the JSON name and `,omitempty` as in Go.')
    print('// An embedded struct has the field name \'\'. See template/typed.ts for the type syntax.')
    print('export const GO_STRUCTS: Readonly<Record<string, ReadonlyArray<readonly [string, string, string?]>>> = {')
    for go in sorted(table):
        rows = []
        for name, t, j in table[go]:
            tag = j + (',omitempty' if name in OMITEMPTY.get(go, ()) else '')
            rows.append(f"['{name}', '{t}'" + (f", '{tag}'" if tag != name else '') + ']')
        print(f"  '{go}': [{', '.join(rows)}],")
    print('};')


def refs(t):
    base = t.lstrip('*[]0123456789')
    while base.startswith('map[string]'):
        base = base[len('map[string]'):].lstrip('*[]0123456789')
    if base in ('string', 'bool', 'int', 'uint', 'float', 'any', 'time.Time', 'time.Duration', 'struct{}'):
        return []
    return [base]


if __name__ == '__main__':
    main()
